// Starting, watching and cancelling runs, and running a whole matrix.
using Lab.Contracts.Costs;
using Lab.Contracts.Orchestration;
using Lab.Orchestrator.Runs;
using Microsoft.AspNetCore.Http.HttpResults;
using Lab.Evidence;

namespace Lab.Orchestrator.Apis;

public static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/runs");
        runs.MapPost("/", StartRunAsync);
        runs.MapGet("/", (RunRegistry registry, TimeProvider time) =>
            TypedResults.Ok<IReadOnlyList<RunProgress>>(registry.Active.Select(r => r.ToProgress(time.GetUtcNow())).ToList()));
        runs.MapGet("/{id:guid}", GetRunAsync);
        runs.MapPost("/{id:guid}/cancel", CancelRun);

        var matrix = app.MapGroup("/api/matrix");
        matrix.MapPost("/", StartMatrix);
        matrix.MapGet("/{id:guid}", GetMatrix);
        return app;
    }

    private static async Task<Results<Accepted<RunProgress>, ValidationProblem, ProblemHttpResult>> StartRunAsync(
        StartRunRequest request, RunLauncher launcher, TimeProvider time, CancellationToken ct)
    {
        var (run, error) = await launcher.StartAsync(request, ct);
        if (run is not null)
        {
            return TypedResults.Accepted($"/api/runs/{run.RunId}", run.ToProgress(time.GetUtcNow()));
        }
        if (error!.Fields is { } fields)
        {
            return TypedResults.ValidationProblem(fields, title: "The run cannot start as asked");
        }
        return error.Conflict is { } conflict
            ? TypedResults.Problem(conflict, statusCode: StatusCodes.Status409Conflict, title: "Target busy")
            : TypedResults.Problem(error.Upstream, statusCode: StatusCodes.Status502BadGateway, title: "CostApi unavailable");
    }

    /// <summary>Runs this process drives come from memory; older ones from CostApi, with their Redis counters.</summary>
    private static async Task<Results<Ok<RunProgress>, ProblemHttpResult>> GetRunAsync(
        Guid id, RunRegistry registry, ICostApi costApi, RunDistribution distribution, TimeProvider time, CancellationToken ct)
    {
        if (registry.Find(id) is { } run)
        {
            return TypedResults.Ok(run.ToProgress(time.GetUtcNow()));
        }
        RunInfo info;
        try
        {
            info = await costApi.GetRunAsync(id, ct);
        }
        catch (Refit.ApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return TypedResults.Problem($"no run {id}", statusCode: 404, title: "Unknown run");
        }
        var counters = await distribution.CountersAsync(id);
        RunSummary? summary = null;
        if (info.Status is RunStatus.Completed or RunStatus.Cancelled)
        {
            try
            {
                summary = await costApi.GetSummaryAsync(id, ct);
            }
            catch (Refit.ApiException)
            {
                // Not finalized: the progress stands without a summary.
            }
        }
        var elapsed = info.T0 is { } t0 ? ((info.EndedAt ?? time.GetUtcNow()) - t0).TotalSeconds : 0;
        return TypedResults.Ok(new RunProgress(info.Id, info.Experiment, info.Case, info.Profile, info.Target, info.Status, info.StatusReason,
            info.Scheduled, counters.Sent, counters.Succeeded, counters.Dropped, counters.InFlight, Math.Max(0, elapsed), null, summary));
    }

    private static Results<Accepted<RunProgress>, ProblemHttpResult> CancelRun(Guid id, RunRegistry registry, TimeProvider time)
    {
        if (registry.Find(id) is not { } run)
        {
            return TypedResults.Problem($"run {id} is not driven by this orchestrator (finished or unknown)", statusCode: 404, title: "Unknown run");
        }
        if (run.IsTerminal)
        {
            return TypedResults.Problem($"run {id} already ended as {run.Status}", statusCode: 409, title: "Run finished");
        }
        run.RequestCancel();
        return TypedResults.Accepted($"/api/runs/{id}", run.ToProgress(time.GetUtcNow()));
    }

    private static Results<Accepted<MatrixProgress>, ValidationProblem> StartMatrix(
        StartMatrixRequest request, RunLauncher launcher, MatrixRunner matrices, TimeProvider time)
    {
        var (experiment, _, _, errors) = launcher.Validate(request.Experiment, null, null);
        if (errors is not null)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var cases = request.Cases is { Count: > 0 } c ? c : experiment!.Cases.Select(x => x.Id).ToList();
        var profiles = request.Profiles is { Count: > 0 } p ? p : experiment!.Profiles.Select(x => x.Id).ToList();
        var problems = new Dictionary<string, string[]>();
        foreach (var id in cases.Concat(profiles).Distinct())
        {
            var isCase = cases.Contains(id);
            if (launcher.Validate(request.Experiment, isCase ? id : null, isCase ? null : id).Errors is { } e)
            {
                foreach (var (field, messages) in e)
                {
                    problems[field] = [.. problems.GetValueOrDefault(field, []), .. messages];
                }
            }
        }
        if (request.Scale is { } scale && RunScale.Problem(scale) is { } scaleProblem)
        {
            problems["scale"] = [scaleProblem];
        }
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }
        var cells = cases.SelectMany(cs => profiles.Select(pr => new MatrixCellPlan(cs, pr))).ToList();
        var matrix = matrices.Start(request, cells);
        return TypedResults.Accepted($"/api/matrix/{matrix.Id}", matrix.ToProgress(time.GetUtcNow()));
    }

    private static Results<Ok<MatrixProgress>, ProblemHttpResult> GetMatrix(Guid id, MatrixRunner matrices, TimeProvider time) =>
        matrices.Find(id) is { } matrix
            ? TypedResults.Ok(matrix.ToProgress(time.GetUtcNow()))
            : TypedResults.Problem($"no matrix {id} on this orchestrator", statusCode: 404, title: "Unknown matrix");
}
