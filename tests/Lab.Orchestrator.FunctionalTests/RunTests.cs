// Runs end to end: orchestrator → Redis shards → two worker processes → SSE targets → CostApi records.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lab.Contracts.Costs;
using Lab.Contracts.Orchestration;

[assembly: AssemblyFixture(typeof(Lab.Orchestrator.FunctionalTests.LabFixture))]

namespace Lab.Orchestrator.FunctionalTests;

// One class, so runs never compete for the shared targets and workers.
public sealed partial class RunTests(LabFixture lab)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The fixture, for the other parts of this class (a primary constructor's parameter is in scope only here).</summary>
    private LabFixture Fixture => lab;

    [Fact]
    public async Task A_run_completes_with_exactly_one_successful_record_per_scheduled_request_and_one_trace_per_request()
    {
        var started = await lab.Api.StartRunAsync(new StartRunRequest("e2e", "quick", "fast", Seed: 7), Ct);
        Assert.Equal(RunStatus.Pending, started.Status);
        var before = lab.GpuA.Completions;

        var run = await lab.WaitForEndAsync(started.RunId, TimeSpan.FromMinutes(2));

        Assert.True(run.Status == RunStatus.Completed, $"{run.Status}: {run.Reason}");
        var records = await lab.RecordsAsync(run.RunId);
        Assert.Equal(run.Scheduled, records.Count);
        Assert.Equal(Enumerable.Range(0, run.Scheduled), records.Select(r => r.Index).Order());
        var failures = records.Where(r => r.Outcome != RequestOutcome.Success).GroupBy(r => $"{r.Reason}: {r.Error}").Select(g => $"{g.Count()} × {g.Key}");
        Assert.True(records.All(r => r.Outcome == RequestOutcome.Success), string.Join("; ", failures));
        Assert.All(records, r => Assert.Equal(8, r.OutputTokens));
        Assert.Equal(run.Scheduled, run.Summary!.Successful);
        Assert.Equal((run.Scheduled, run.Scheduled), (run.Sent, run.Succeeded));
        // The readiness check's completion and the two warm-up requests reach the target but are not records.
        Assert.Equal(run.Scheduled + 3, lab.GpuA.Completions - before);
        // Both workers took part, and each request's trace reached the server.
        Assert.Equal(2, records.Select(r => r.Worker).Distinct().Count());
        Assert.All(records, r => Assert.Contains(lab.GpuA.TraceParents, t => t.Contains(r.TraceId!)));
        var info = await lab.CostApi.GetRunAsync(run.RunId, Ct);
        Assert.NotNull(info.T0);
        Assert.Equal(7, info.Seed);
    }

    [Fact]
    public async Task Killing_one_of_two_workers_mid_run_still_ends_every_request_with_exactly_one_record()
    {
        var started = await lab.Api.StartRunAsync(new StartRunRequest("e2e", "long", "fast"), Ct);
        // Let load flow for a while (t0 is ~2 s after readiness and warm-up), then crash a worker.
        while ((await lab.Api.GetRunAsync(started.RunId, Ct)).Sent < 300)
        {
            await Task.Delay(100, Ct);
        }
        lab.KillWorker("worker-1");

        var run = await lab.WaitForEndAsync(started.RunId, TimeSpan.FromMinutes(3));
        await lab.StartWorkerAsync("worker-1"); // a replacement for the other tests

        Assert.True(run.Status == RunStatus.Completed, $"{run.Status}: {run.Reason}");
        var records = await lab.RecordsAsync(run.RunId);
        Assert.Equal(run.Scheduled, records.Count);
        Assert.Equal(run.Scheduled, records.Select(r => r.Index).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, run.Scheduled), records.Select(r => r.Index).Order());
        // The survivor carried on: it recorded requests planned after the crash.
        Assert.Contains(records, r => r.Worker == "worker-2" && r.PlannedSend > records.Where(x => x.Worker == "worker-1").Max(x => x.PlannedSend));
        Assert.All(records.Where(r => r.Reason == DropReason.WorkerLost), r => Assert.Null(r.Sent));
    }

    [Fact]
    public async Task Unknown_experiment_case_or_profile_is_a_400_listing_the_valid_ids()
    {
        using var http = lab.Orchestrator.CreateClient();
        async Task<string> Problem(StartRunRequest request)
        {
            var response = await http.PostAsJsonAsync("/api/runs", request, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return await response.Content.ReadAsStringAsync(Ct);
        }
        Assert.Contains("valid: e2e", await Problem(new StartRunRequest("nope", "quick", "fast")));
        var badCase = await Problem(new StartRunRequest("e2e", "slow", "fast"));
        Assert.Contains("quick, long", badCase);
        Assert.Contains("\"case\"", badCase);
        var badProfile = await Problem(new StartRunRequest("e2e", "quick", "fastest"));
        Assert.Contains("fast, fast-b, wrong-model, cluster", badProfile);
        Assert.Contains("\"profile\"", badProfile);
    }

    [Fact]
    public async Task Starting_a_run_on_a_busy_target_is_a_409()
    {
        var first = await lab.Api.StartRunAsync(new StartRunRequest("e2e", "quick", "fast-b"), Ct);
        using var http = lab.Orchestrator.CreateClient();
        var second = await http.PostAsJsonAsync("/api/runs", new StartRunRequest("e2e", "quick", "fast-b"), Ct);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains(first.RunId.ToString(), await second.Content.ReadAsStringAsync(Ct));
        Assert.Equal(RunStatus.Completed, (await lab.WaitForEndAsync(first.RunId, TimeSpan.FromMinutes(2))).Status);
    }

    [Fact]
    public async Task A_target_that_is_not_ready_fails_the_run_at_readiness_without_sending_load()
    {
        var started = await lab.Api.StartRunAsync(new StartRunRequest("e2e", "quick", "wrong-model"), Ct);
        var run = await lab.WaitForEndAsync(started.RunId, TimeSpan.FromMinutes(1));
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("model 'ok' is not served", run.Reason);
        Assert.Contains("some-other-model", run.Reason);
        Assert.Equal(0, lab.GpuWrongModel.Completions);
        Assert.Equal(0, run.Sent);
        var readiness = await lab.Api.GetReadinessAsync("e2e", Ct);
        Assert.False(readiness.Single(r => r.Profile == "wrong-model").ModelListed);
        Assert.True(readiness.Single(r => r.Profile == "fast").Ready);
    }

    [Fact]
    public async Task A_cancel_reaches_the_workers_and_every_cut_request_is_recorded_cancelled()
    {
        var started = await lab.Api.StartRunAsync(new StartRunRequest("e2e", "long", "fast-b"), Ct);
        while ((await lab.Api.GetRunAsync(started.RunId, Ct)).Sent < 100)
        {
            await Task.Delay(100, Ct);
        }
        var cancelledAt = DateTimeOffset.UtcNow;
        await lab.Api.CancelRunAsync(started.RunId, Ct);
        var run = await lab.WaitForEndAsync(started.RunId, TimeSpan.FromMinutes(1));
        Assert.Equal(RunStatus.Cancelled, run.Status);
        var records = await lab.RecordsAsync(run.RunId);
        Assert.Equal(run.Scheduled, records.Count);
        Assert.Equal(run.Scheduled, records.Select(r => r.Index).Distinct().Count());
        var cancelled = records.Where(r => r.Reason == DropReason.Cancelled).ToList();
        Assert.NotEmpty(cancelled);
        // Cut by the workers themselves (not the orchestrator's sweep): the cancel reached them...
        Assert.Contains(cancelled, r => r.Worker != "orchestrator");
        // ...within a second: nothing left a worker later than that.
        var lastSent = records.Where(r => r.Sent is not null).Max(r => r.Sent!.Value);
        Assert.True(lastSent < cancelledAt.AddSeconds(1), $"last send {lastSent:O}, cancel requested {cancelledAt:O}");
        Assert.NotNull(run.Summary);
    }

    [Fact]
    public async Task A_matrix_runs_every_selected_cell()
    {
        var matrix = await lab.Api.StartMatrixAsync(new StartMatrixRequest("e2e", ["quick"], ["fast", "fast-b"], Scale: 0.5), Ct);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!(matrix = await lab.Api.GetMatrixAsync(matrix.MatrixId, Ct)).Status.StartsWith("Completed", StringComparison.Ordinal))
        {
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), JsonSerializer.Serialize(matrix));
            await Task.Delay(250, Ct);
        }
        Assert.Equal("Completed", matrix.Status);
        Assert.Equal(2, matrix.Runs.Count);
        Assert.All(matrix.Runs, r => Assert.Equal(r.Scheduled, r.Summary!.Successful));
    }

    [Fact]
    public async Task A_run_started_while_another_is_sending_keeps_its_schedule()
    {
        // A matrix starts the next cell on one target while another target's run is mid-way. Published whole, the
        // running run's remaining shards sat ahead of the new run's in the shared stream, and workers read it in order:
        // the new run's sends went out as late as the other run's remaining schedule (28-66 s at scale 1). Published
        // just in time, both keep their schedule. The bound is loose for noisy machines and far below that queueing.
        var first = await lab.Api.StartRunAsync(new StartRunRequest("e2e", "long", "fast"), Ct);
        while ((await lab.Api.GetRunAsync(first.RunId, Ct)).Sent < 100)
        {
            await Task.Delay(100, Ct);
        }
        var second = await lab.Api.StartRunAsync(new StartRunRequest("e2e", "long", "fast-b"), Ct);

        var runs = await Task.WhenAll(lab.WaitForEndAsync(first.RunId, TimeSpan.FromMinutes(3)), lab.WaitForEndAsync(second.RunId, TimeSpan.FromMinutes(3)));

        Assert.All(runs, run =>
        {
            Assert.True(run.Status == RunStatus.Completed, $"{run.Status}: {run.Reason}");
            Assert.Equal(run.Scheduled, run.Summary!.Successful);
            Assert.True(run.Summary.ScheduleLateness!.P99 < 3000, $"{run.Profile}: send lateness p99 {run.Summary.ScheduleLateness.P99:F0} ms");
        });
    }
}
