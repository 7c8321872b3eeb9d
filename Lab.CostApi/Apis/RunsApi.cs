using Lab.Contracts.Costs;
using Lab.CostApi.Records;
using Lab.CostApi.Runs;
using Lab.CostApi.Summaries;
using Microsoft.AspNetCore.Http.HttpResults;
using Lab.Evidence;

namespace Lab.CostApi.Apis;

public static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/runs").WithTags("Runs");
        api.MapPost("/", RegisterAsync).RequireWriter();
        api.MapGet("/", ListAsync);
        api.MapGet("/{id:guid}", GetAsync);
        api.MapPost("/{id:guid}/transitions", TransitionAsync).RequireWriter();
        api.MapPost("/{id:guid}/finalize", FinalizeAsync).RequireWriter();
        api.MapGet("/{id:guid}/summary", GetSummaryAsync);
        api.MapGet("/{id:guid}/timeseries", GetTimeSeriesAsync);
        return app;
    }

    private static async Task<Results<Created<RunInfo>, Ok<RunInfo>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterRunRequest request, RunLedger ledger, CancellationToken ct)
    {
        var errors = Validate(request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var (outcome, run) = await ledger.RegisterAsync(request, ct);
        return outcome switch
        {
            RunLedger.RegisterOutcome.Created => TypedResults.Created($"/api/runs/{run.Id}", run),
            RunLedger.RegisterOutcome.Identical => TypedResults.Ok(run),
            _ => Problems.Conflict("Run already registered with different content",
                $"Run {run.Id} exists as {run.Experiment}/{run.Case}/{run.Profile} (scheduled {run.Scheduled}); a retry must send identical content, a new run needs a new id."),
        };
    }

    private static Dictionary<string, string[]> Validate(RegisterRunRequest r)
    {
        var errors = new Dictionary<string, string[]>();
        if (r.RunId == Guid.Empty) errors["runId"] = ["Required: a new GUID chosen by the caller (it makes retries idempotent)."];
        if (string.IsNullOrWhiteSpace(r.Experiment)) errors["experiment"] = ["Required."];
        if (string.IsNullOrWhiteSpace(r.Case)) errors["case"] = ["Required."];
        if (string.IsNullOrWhiteSpace(r.Profile)) errors["profile"] = ["Required."];
        if (string.IsNullOrWhiteSpace(r.Target)) errors["target"] = ["Required: the serving endpoint's base address."];
        if (r.Scheduled < 1) errors["scheduled"] = [$"Must be ≥ 1: the number of requests the arrival process planned; got {r.Scheduled}."];
        if (RunScale.Problem(r.Scale) is { } scaleProblem) errors["scale"] = [scaleProblem];
        if (r.Snapshot is not { } s)
        {
            errors["snapshot"] = ["Required: the case, profile, SLO, price and evidence boundary this run is judged by."];
            return errors;
        }
        if (s.Case?.Id != r.Case) errors["snapshot.case.id"] = [$"Must equal case '{r.Case}'."];
        if (s.Profile?.Id != r.Profile) errors["snapshot.profile.id"] = [$"Must equal profile '{r.Profile}'."];
        else if (s.Profile.GpusPerReplica < 1 || s.Profile.Replicas < 1) errors["snapshot.profile"] = ["gpusPerReplica and replicas must be ≥ 1."];
        if (s.Slo is null) errors["snapshot.slo"] = ["Required."];
        if (s.Price is null || s.Price.UsdPerGpuHour <= 0) errors["snapshot.price.usdPerGpuHour"] = ["Required and > 0."];
        if (string.IsNullOrWhiteSpace(s.EvidenceBoundary)) errors["snapshot.evidenceBoundary"] = ["Required."];
        return errors;
    }

    private static async Task<Results<Ok<IReadOnlyList<RunInfo>>, ValidationProblem>> ListAsync(RunLedger ledger, CancellationToken ct,
        string? experiment = null, string? @case = null, string? profile = null, string? status = null, int? limit = null)
    {
        RunStatus? parsed = null;
        if (status is not null)
        {
            if (!Enum.TryParse<RunStatus>(status, ignoreCase: true, out var s) || !Enum.IsDefined(s))
                return Problems.Invalid("status", $"Allowed values: {string.Join(", ", Enum.GetNames<RunStatus>())}.");
            parsed = s;
        }
        if (limit is < 1 or > 1000)
            return Problems.Invalid("limit", "Must be within [1, 1000].");
        return TypedResults.Ok(await ledger.ListAsync(experiment, @case, profile, parsed, limit ?? 100, ct));
    }

    private static async Task<Results<Ok<RunInfo>, ProblemHttpResult>> GetAsync(Guid id, RunLedger ledger, CancellationToken ct) =>
        await ledger.GetAsync(id, ct) is { } run ? TypedResults.Ok(run) : Problems.NotFound("Run", id);

    private static async Task<Results<Ok<RunInfo>, ValidationProblem, ProblemHttpResult>> TransitionAsync(
        Guid id, RunTransitionRequest transition, RunLedger ledger, CancellationToken ct)
    {
        if (!Enum.IsDefined(transition.To))
            return Problems.Invalid("to", $"Allowed values: {string.Join(", ", Enum.GetNames<RunStatus>())}.");
        var result = await ledger.TransitionAsync(id, transition, ct);
        if (result.Current is null)
            return Problems.NotFound("Run", id);
        if (!result.Applied)
        {
            var allowed = RunLifecycle.AllowedFrom(result.Current.Value);
            return Problems.Conflict("Illegal run transition",
                $"Run {id} is {result.Current} and cannot move to {transition.To}. Allowed from {result.Current}: " +
                (allowed.Count == 0 ? "none (terminal state)." : string.Join(", ", allowed) + "."));
        }
        return TypedResults.Ok(result.Run!);
    }

    private static async Task<Results<Ok<RunSummary>, ProblemHttpResult>> FinalizeAsync(Guid id, SummaryStore summaries, CancellationToken ct)
    {
        var result = await summaries.FinalizeAsync(id, ct);
        return result.State switch
        {
            SummaryStore.FinalizeState.Finalized => TypedResults.Ok(result.Summary!),
            SummaryStore.FinalizeState.RunNotFound => Problems.NotFound("Run", id),
            SummaryStore.FinalizeState.WrongStatus => Problems.Conflict("Run is not ready to finalize",
                $"Run {id} is {result.Status}; finalize is allowed from {string.Join(", ", SummaryStore.FinalizableFrom)}."),
            SummaryStore.FinalizeState.NeverStarted => Problems.Conflict("Run never started load",
                $"Run {id} ended {result.Status} before load started ({result.Reason ?? "no reason given"}); it sent no request, so it has no records and no summary."),
            _ => Problems.Conflict("Run records are incomplete",
                $"Run {id} is missing {result.Missing} of its scheduled records (first missing indices: {string.Join(", ", result.FirstMissing!)}). " +
                "Every scheduled request needs exactly one record (dropped ones with a reason, e.g. WorkerLost) before the run can be summarised."),
        };
    }

    private static async Task<Results<Ok<RunSummary>, ProblemHttpResult>> GetSummaryAsync(Guid id, SummaryStore summaries, RunLedger ledger, CancellationToken ct)
    {
        if (await summaries.GetAsync(id, ct) is { } summary)
            return TypedResults.Ok(summary);
        return await ledger.GetAsync(id, ct) is null
            ? Problems.NotFound("Run", id)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Run not finalized", detail: $"Run {id} has no summary yet; POST /api/runs/{id}/finalize computes it.");
    }

    private static async Task<Results<Ok<RunTimeSeries>, ProblemHttpResult>> GetTimeSeriesAsync(Guid id, RunLedger ledger, RecordStore records, CancellationToken ct)
    {
        if (await ledger.GetAsync(id, ct) is not { } run)
            return Problems.NotFound("Run", id);
        return TypedResults.Ok(TimeSeriesBuilder.Build(id, run.T0, await records.ReadAllAsync(id, ct)));
    }
}
