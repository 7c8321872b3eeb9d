using Lab.Contracts.Experiments;
using Lab.CostApi.Experiments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lab.CostApi.Apis;

public static class ExperimentsApi
{
    public static IEndpointRouteBuilder MapExperimentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/experiments").WithTags("Experiments");
        api.MapGet("/", ListAsync);
        api.MapGet("/{id}", GetAsync);
        api.MapPut("/{id}", UpsertAsync).RequireWriter();
        return app;
    }

    private static async Task<Ok<IReadOnlyList<ExperimentDefinition>>> ListAsync(ExperimentStore experiments, CancellationToken ct) =>
        TypedResults.Ok(await experiments.ListAsync(ct));

    private static async Task<Results<Ok<ExperimentDefinition>, ProblemHttpResult>> GetAsync(string id, ExperimentStore experiments, CancellationToken ct) =>
        await experiments.GetAsync(id, ct) is { } definition ? TypedResults.Ok(definition) : Problems.NotFound("Experiment", id);

    private static async Task<Results<Ok<ExperimentDefinition>, ValidationProblem>> UpsertAsync(string id, ExperimentDefinition definition,
        ExperimentStore experiments, CancellationToken ct)
    {
        var errors = ExperimentStore.Validate(id, definition);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        await experiments.UpsertAsync(definition, ct);
        return TypedResults.Ok((await experiments.GetAsync(id, ct))!);
    }
}
