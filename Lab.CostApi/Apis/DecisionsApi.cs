using Lab.Contracts.Costs;
using Lab.CostApi.Decisions;
using Lab.CostApi.Experiments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lab.CostApi.Apis;

public static class DecisionsApi
{
    public static IEndpointRouteBuilder MapDecisionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/decisions").WithTags("Decisions");
        api.MapGet("/", ListAsync);
        api.MapGet("/{id:guid}", GetAsync);
        api.MapPost("/", CreateAsync).RequireWriter();
        api.MapPut("/{id:guid}", UpdateAsync).RequireWriter();
        return app;
    }

    private static async Task<Ok<IReadOnlyList<DecisionRecord>>> ListAsync(DecisionStore decisions, CancellationToken ct, string? experiment = null) =>
        TypedResults.Ok(await decisions.ListAsync(experiment, ct));

    private static async Task<Results<Ok<DecisionRecord>, ProblemHttpResult>> GetAsync(Guid id, DecisionStore decisions, CancellationToken ct) =>
        await decisions.GetAsync(id, ct) is { } record ? TypedResults.Ok(record) : Problems.NotFound("Decision record", id);

    private static async Task<Results<Created<DecisionRecord>, ValidationProblem>> CreateAsync(DecisionRecordInput input,
        DecisionStore decisions, ExperimentStore experiments, CancellationToken ct)
    {
        var errors = ClaimEvaluator.Validate(input, await experiments.GetAsync(input.Experiment ?? "", ct));
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        var id = Guid.CreateVersion7();
        await decisions.SaveAsync(id, input, create: true, ct);
        return TypedResults.Created($"/api/decisions/{id}", (await decisions.GetAsync(id, ct))!);
    }

    private static async Task<Results<Ok<DecisionRecord>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id, DecisionRecordInput input,
        DecisionStore decisions, ExperimentStore experiments, CancellationToken ct)
    {
        var errors = ClaimEvaluator.Validate(input, await experiments.GetAsync(input.Experiment ?? "", ct));
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        return await decisions.SaveAsync(id, input, create: false, ct)
            ? TypedResults.Ok((await decisions.GetAsync(id, ct))!)
            : Problems.NotFound("Decision record", id);
    }
}
