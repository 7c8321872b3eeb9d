using System.Text;
using Lab.Contracts.Costs;
using Lab.CostApi.Experiments;
using Lab.CostApi.Matrix;
using Lab.CostApi.Runs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lab.CostApi.Apis;

public static class MatrixApi
{
    public static IEndpointRouteBuilder MapMatrixApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/experiments/{id}").WithTags("Matrix");
        api.MapGet("/matrix", GetAsync);
        api.MapPut("/matrix/selections", PinAsync).RequireWriter();
        api.MapDelete("/matrix/selections/{caseId}/{profileId}", UnpinAsync).RequireWriter();
        api.MapGet("/report", ReportAsync);
        api.MapGet("/report.csv", ReportCsvAsync);
        return app;
    }

    private static async Task<Results<Ok<ExperimentMatrix>, ProblemHttpResult>> GetAsync(string id, MatrixService matrix, CancellationToken ct) =>
        await matrix.BuildAsync(id, ct) is { } built ? TypedResults.Ok(built.Matrix) : Problems.NotFound("Experiment", id);

    private static async Task<Results<Ok<ExperimentMatrix>, ValidationProblem, ProblemHttpResult>> PinAsync(string id, PinSelectionRequest request,
        ExperimentStore experiments, RunLedger ledger, CellSelections selections, MatrixService matrix, CancellationToken ct)
    {
        if (await experiments.GetAsync(id, ct) is not { } definition)
            return Problems.NotFound("Experiment", id);
        if (definition.Cases.All(c => c.Id != request.Case))
            return Problems.Invalid("case", $"Allowed values: {string.Join(", ", definition.Cases.Select(c => c.Id))}.");
        if (definition.Profiles.All(p => p.Id != request.Profile))
            return Problems.Invalid("profile", $"Allowed values: {string.Join(", ", definition.Profiles.Select(p => p.Id))}.");
        if (await ledger.GetAsync(request.RunId, ct) is not { } run)
            return Problems.NotFound("Run", request.RunId);
        if (run.Experiment != id || run.Case != request.Case || run.Profile != request.Profile)
            return Problems.Invalid("runId", $"Run {run.Id} belongs to {run.Experiment}/{run.Case}/{run.Profile}, not {id}/{request.Case}/{request.Profile}.");
        await selections.PinAsync(id, request.Case, request.Profile, request.RunId, ct);
        return TypedResults.Ok((await matrix.BuildAsync(id, ct))!.Value.Matrix);
    }

    private static async Task<Results<Ok<ExperimentMatrix>, ProblemHttpResult>> UnpinAsync(string id, string caseId, string profileId,
        CellSelections selections, MatrixService matrix, CancellationToken ct)
    {
        if (await matrix.BuildAsync(id, ct) is null)
            return Problems.NotFound("Experiment", id);
        await selections.UnpinAsync(id, caseId, profileId, ct);
        return TypedResults.Ok((await matrix.BuildAsync(id, ct))!.Value.Matrix);
    }

    private static async Task<Results<Ok<ExperimentReport>, ProblemHttpResult>> ReportAsync(string id, MatrixService matrix, CancellationToken ct) =>
        await matrix.ReportAsync(id, ct) is { } report ? TypedResults.Ok(report) : Problems.NotFound("Experiment", id);

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ReportCsvAsync(string id, MatrixService matrix, CancellationToken ct) =>
        await matrix.BuildAsync(id, ct) is { } built
            ? TypedResults.File(Encoding.UTF8.GetBytes(MatrixService.ToCsv(built.Matrix)), "text/csv; charset=utf-8", $"{id}-report.csv")
            : Problems.NotFound("Experiment", id);
}
