// Live runs the way a cluster runs them: a target URL (the GPU twin as its own process, standing in for a vLLM
// Service), and a serving Deployment whose cluster state gates readiness. Part of RunTests: runs share the workers.
using Lab.Contracts.Costs;
using Lab.Contracts.Orchestration;

namespace Lab.Orchestrator.FunctionalTests;

public sealed partial class RunTests
{
    [Fact]
    public async Task A_run_against_a_target_url_goes_through_redis_and_the_workers_to_that_server_with_one_successful_record_per_request()
    {
        await using var twin = await Fixture.StartServingTwinAsync();
        var before = await twin.CompletedRequestsAsync(Ct);

        // Profile "fast" names service gpu-a; the run's target URL sends the load to the twin instead.
        var started = await Fixture.Api.StartRunAsync(new StartRunRequest("e2e", "quick", "fast", Target: twin.Url.ToString(), Seed: 11), Ct);
        var run = await Fixture.WaitForEndAsync(started.RunId, TimeSpan.FromMinutes(2));

        Assert.True(run.Status == RunStatus.Completed, $"{run.Status}: {run.Reason}{Environment.NewLine}{twin.Output}");
        Assert.Equal(twin.Url.ToString(), run.Target);
        var records = await Fixture.RecordsAsync(run.RunId);
        Assert.Equal(run.Scheduled, records.Count);
        Assert.Equal(Enumerable.Range(0, run.Scheduled), records.Select(r => r.Index).Order());
        var failures = records.Where(r => r.Outcome != RequestOutcome.Success).GroupBy(r => $"{r.Reason}: {r.Error}").Select(g => $"{g.Count()} × {g.Key}");
        Assert.True(records.All(r => r.Outcome == RequestOutcome.Success), string.Join("; ", failures));
        Assert.All(records, r => Assert.Equal(8, r.OutputTokens));
        Assert.Equal(run.Scheduled, run.Summary!.Successful);
        // The twin served exactly these, plus the readiness completion and the two warm-ups (never recorded).
        Assert.Equal(run.Scheduled + 3, await twin.CompletedRequestsAsync(Ct) - before);
        Assert.Equal(twin.Url.ToString(), (await Fixture.CostApi.GetRunAsync(run.RunId, Ct)).Target);
    }

    [Fact]
    public async Task A_serving_deployment_without_ready_replicas_fails_the_run_at_readiness_with_the_cluster_reasons()
    {
        const string pending = "gpu-cluster-vllm-5c7d pending (insufficient nvidia.com/gpu): 0/2 nodes are available: 2 Insufficient nvidia.com/gpu.";
        Fixture.Cluster.Set(new DeploymentReadiness("gpu-cluster", 1, 0, [pending]));

        var readiness = (await Fixture.Api.GetReadinessAsync("e2e", Ct)).Single(r => r.Profile == "cluster");
        Assert.False(readiness.Ready);
        Assert.Equal((1, 0), (readiness.Deployment!.Desired, readiness.Deployment.Ready));
        Assert.Contains(pending, readiness.Reason);

        var started = await Fixture.Api.StartRunAsync(new StartRunRequest("e2e", "quick", "cluster"), Ct);
        var run = await Fixture.WaitForEndAsync(started.RunId, TimeSpan.FromMinutes(1));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.StartsWith("target not ready: Deployment gpu-cluster: 0/1 replicas ready", run.Reason);
        Assert.Contains(pending, run.Reason);
        Assert.Equal(0, run.Sent);
        var info = await Fixture.CostApi.GetRunAsync(run.RunId, Ct);
        Assert.Equal((RunStatus.Failed, run.Reason), (info.Status, info.StatusReason));
        Assert.Null(info.T0);
    }

    [Fact]
    public async Task A_run_that_failed_before_t0_has_no_records_and_every_reader_says_so_plainly()
    {
        Fixture.Cluster.Set(new DeploymentReadiness("gpu-cluster", 1, 0, ["gpu-cluster-vllm-0 image pull failing: ImagePullBackOff"]));
        var started = await Fixture.Api.StartRunAsync(new StartRunRequest("e2e", "long", "cluster"), Ct);
        var run = await Fixture.WaitForEndAsync(started.RunId, TimeSpan.FromMinutes(1));
        Assert.Equal(RunStatus.Failed, run.Status);

        // No request was planned on the clock: Failed with its reason, no records, no summary, an empty time series.
        Assert.Equal((RunStatus.Failed, run.Reason, (RunSummary?)null), (run.Status, run.Reason, run.Summary));
        Assert.Equal(0, (await Fixture.CostApi.ListRecordsAsync(run.RunId, cancellationToken: Ct)).Total);
        Assert.Empty((await Fixture.CostApi.GetTimeSeriesAsync(run.RunId, Ct)).Points);
        var summary = await Assert.ThrowsAnyAsync<Refit.ApiException>(() => Fixture.CostApi.GetSummaryAsync(run.RunId, Ct));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, summary.StatusCode);
        var finalize = await Assert.ThrowsAnyAsync<Refit.ApiException>(() => Fixture.CostApi.FinalizeRunAsync(run.RunId, Ct));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, finalize.StatusCode);
        Assert.Contains("ended Failed before load started (target not ready: Deployment gpu-cluster", finalize.Content);
        Assert.Contains("it sent no request", finalize.Content);

        // Pinned into the matrix it stands as the cell's run without a summary, and the findings say it has no evidence.
        var pinned = await Fixture.CostApi.PinSelectionAsync("e2e", new PinSelectionRequest("long", "cluster", run.RunId), Ct);
        try
        {
            var cell = pinned.Cells.Single(c => c.Case == "long" && c.Profile == "cluster");
            Assert.Equal((run.RunId, RunStatus.Failed), (cell.Run!.Id, cell.Run.Status));
            Assert.Null(cell.Summary);
            Assert.Contains("The long cluster cell has no finalized run yet, so it supplies no evidence.", pinned.Findings);
            Assert.Contains("long,cluster," + run.RunId + ",true,Failed,", await (await Fixture.CostApi.ExportReportCsvAsync("e2e", Ct)).Content.ReadAsStringAsync(Ct));
        }
        finally
        {
            await Fixture.CostApi.UnpinSelectionAsync("e2e", "long", "cluster", Ct);
        }
    }
}
