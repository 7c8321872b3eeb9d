using Lab.Contracts.Costs;
using Lab.CostApi.Records;
using Lab.CostApi.Runs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lab.CostApi.Apis;

public static class RecordsApi
{
    public static IEndpointRouteBuilder MapRecordsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/runs/{id:guid}").WithTags("Records");
        api.MapPost("/records", IngestAsync).RequireWriter(); // body read by RecordBatchBody (JSON, one contiguous buffer)
        api.MapGet("/records", ListAsync);
        api.MapGet("/records.csv", ExportCsvAsync);
        return app;
    }

    private static async Task<Results<Ok<IngestResult>, ValidationProblem, ProblemHttpResult>> IngestAsync(
        Guid id, HttpRequest request, RunLedger ledger, RecordStore records, CancellationToken ct)
    {
        var body = await RecordBatchBody.ReadAsync(request, ct);
        if (body.Batch is not { } batch)
            return TypedResults.Problem(statusCode: body.StatusCode, title: "The batch was rejected whole; nothing was written", detail: body.Error);
        if (await ledger.GetAsync(id, ct) is not { } run)
            return Problems.NotFound("Run", id);
        // The whole batch is checked before anything is written: one bad record rejects all of them.
        var errors = RecordValidator.Validate(batch, run.Scheduled);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "The batch was rejected whole; nothing was written");
        var (state, result, status) = await records.IngestAsync(id, batch.Records, ct);
        return state switch
        {
            RecordStore.IngestState.Ingested => TypedResults.Ok(result!),
            RecordStore.IngestState.RunNotFound => Problems.NotFound("Run", id),
            _ => Problems.Conflict("Run is finalized", $"Run {id} ({status}) has a stored summary; its ledger is closed to new records."),
        };
    }

    private static async Task<Results<Ok<RecordPage>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid id, RunLedger ledger, RecordStore records, CancellationToken ct,
        string? outcome = null, string? reason = null, int offset = 0, int limit = 100)
    {
        RequestOutcome? parsedOutcome = null;
        DropReason? parsedReason = null;
        if (outcome is not null)
        {
            if (!Enum.TryParse<RequestOutcome>(outcome, true, out var o) || !Enum.IsDefined(o))
                return Problems.Invalid("outcome", "Allowed values: Success, Dropped.");
            parsedOutcome = o;
        }
        if (reason is not null)
        {
            if (!Enum.TryParse<DropReason>(reason.Replace("_", ""), true, out var r) || !Enum.IsDefined(r))
                return Problems.Invalid("reason", $"Allowed values: {string.Join(", ", Enum.GetNames<DropReason>())}.");
            parsedReason = r;
        }
        if (offset < 0)
            return Problems.Invalid("offset", "Must be ≥ 0.");
        if (limit is < 1 or > 10_000)
            return Problems.Invalid("limit", "Must be within [1, 10000].");
        if (await ledger.GetAsync(id, ct) is null)
            return Problems.NotFound("Run", id);
        return TypedResults.Ok(await records.ListAsync(id, parsedOutcome, parsedReason, offset, limit, ct));
    }

    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> ExportCsvAsync(Guid id, RunLedger ledger, RecordStore records, CancellationToken ct)
    {
        if (await ledger.GetAsync(id, ct) is null)
            return Problems.NotFound("Run", id);
        return TypedResults.Stream(stream => records.WriteCsvAsync(id, stream, ct), "text/csv; charset=utf-8", $"run-{id}-records.csv");
    }
}
