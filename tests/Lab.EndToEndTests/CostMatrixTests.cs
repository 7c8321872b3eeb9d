// The seed card's experiment end to end: the AppHost starts the whole lab, the orchestrator runs the cost matrix
// (2 cases × 2 profiles) at small scale through Redis and the load workers against the real-time GPU twins, and
// CostApi's ledger, summaries and the seeded decision record must show the card's pattern.
using System.Diagnostics;
using System.Globalization;
using Lab.Contracts;
using Lab.Contracts.Costs;
using Lab.Contracts.Orchestration;
using Aspire.Hosting.Testing;
using Lab.AppHost.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Lab.EndToEndTests;

public sealed class CostMatrixTests
{
    /// <summary>
    /// 0.1 runs the first 12 s of the steady case (~264 requests at 22 req/s) and, by the bursts rule, one whole 30 s
    /// period of the burst case (~810 requests, the 45 req/s spike from 10 s to 20 s). The naive lane sets the wall
    /// time: each naive run lasts its schedule plus the 60 s client timeout, ~3 min for both, beside the optimized lane.
    /// </summary>
    private const double Scale = 0.1;

    private const string Steady = "steady-cost-efficiency";
    private const string Burst = "burst-cost-efficiency";
    private const string Naive = "naive-single";
    private const string Optimized = "optimized-batched";
    private static readonly Guid SeededDecision = Guid.Parse("6d1c3c1e-7a51-4c1b-9d1e-c057c0570001");

    [Fact]
    public async Task The_cost_matrix_at_small_scale_shows_the_seed_card_pattern_and_supports_its_decision_record()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var lab = await RunningLab.StartAsync([], timeout: TimeSpan.FromMinutes(2), cancellationToken: ct);
        var app = lab.App;

        var services = new ServiceCollection();
        services.AddOrchestratorClient(app.GetEndpoint("orchestrator", "http"));
        services.AddCostApiClient(app.GetEndpoint("costapi", "http"));
        await using var provider = services.BuildServiceProvider();
        var orchestrator = provider.GetRequiredService<IOrchestratorApi>();
        var costApi = provider.GetRequiredService<ICostApi>();

        var matrix = await orchestrator.StartMatrixAsync(new StartMatrixRequest("cost", Scale: Scale, Seed: 42), ct);
        var watch = Stopwatch.StartNew();
        while (!(matrix = await orchestrator.GetMatrixAsync(matrix.MatrixId, ct)).Status.StartsWith("Completed", StringComparison.Ordinal))
        {
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(5), $"matrix still {matrix.Status} after 5 min: {Describe(matrix.Runs)}");
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        Assert.True(matrix.Status == "Completed", matrix.Status);
        Assert.Equal(4, matrix.Runs.Count);

        // Every scheduled request ended with exactly one record in CostApi's ledger.
        foreach (var run in matrix.Runs)
        {
            var page = await costApi.ListRecordsAsync(run.RunId, limit: 10_000, cancellationToken: ct);
            Assert.Equal(run.Scheduled, page.Total);
            Assert.Equal(Enumerable.Range(0, run.Scheduled), page.Items.Select(r => r.Index).Order());
            Assert.Equal(run.Scheduled, run.Summary!.Scheduled);
        }

        var cell = matrix.Runs.ToDictionary(r => (r.Case, r.Profile), r => r.Summary!);
        foreach (var run in matrix.Runs)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{run.Case} × {run.Profile}: {Describe(run.Summary!)}");
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"matrix wall time {watch.Elapsed.TotalSeconds:F0} s");
        var steadyOptimized = cell[(Steady, Optimized)];
        var burstOptimized = cell[(Burst, Optimized)];

        Assert.Equal(0, steadyOptimized.Dropped);

        // Naive single serves ~1.1 req/s whatever arrives: most of each case's work times out.
        foreach (var @case in new[] { Steady, Burst })
        {
            var naive = cell[(@case, Naive)];
            Assert.True(naive.Dropped > naive.Scheduled / 2, $"{@case} naive: {Describe(naive)}");
            Assert.True(naive.DroppedByReason.GetValueOrDefault("timeout") > naive.Scheduled / 2, $"{@case} naive: {Describe(naive)}");
            // Batching wins the useful-work denominator in both cases.
            Assert.True(cell[(@case, Optimized)].CostPer1KSuccessfulUsd < naive.CostPer1KSuccessfulUsd,
                $"{@case}: optimized {cell[(@case, Optimized)].CostPer1KSuccessfulUsd} vs naive {naive.CostPer1KSuccessfulUsd} per 1K");
        }

        // Burst optimized: the scaled run held a whole spike (the bursts rule, frozen in its snapshot), and the spike's
        // queue pushes latency past the SLO (virtual time: p95 4.9 s). Contention only adds latency: it cannot flip to a pass.
        var burstRun = await costApi.GetRunAsync(matrix.Runs.Single(r => r.Case == Burst && r.Profile == Optimized).RunId, ct);
        Assert.Equal(30, burstRun.Snapshot.Case.DurationSeconds);
        Assert.Equal((Scale, 120.0, 30.0), (burstRun.Snapshot.Scaling!.Scale, burstRun.Snapshot.Scaling.CaseDurationSeconds, burstRun.Snapshot.Scaling.RunDurationSeconds));
        Assert.False(burstOptimized.Slo.Passed, $"burst optimized: {Describe(burstOptimized)}");
        Assert.Contains(burstOptimized.Slo.FailingTerms, t => t.Contains("latency", StringComparison.Ordinal));

        // The seed card's decision record, evaluated against these runs (the latest completed run of each cell): its
        // cost claims and the burst SLO miss hold whatever the host does.
        var decision = await costApi.GetDecisionAsync(SeededDecision, ct);
        var evaluations = string.Join(Environment.NewLine, decision.Evaluations.Select(e => $"{e.Status}: {e.Explanation}"));
        Assert.All(decision.Evaluations.Where(e => !IsSteadyOptimizedSlo(e.Claim)), e => Assert.True(e.Status == ClaimStatus.Holds, evaluations));

        // Steady optimized within the SLO. The twin's engine steps chain on its model clock, but a starved host still
        // delays the HTTP hand-off into the engine and every streamed chunk, and that lands in the client-side latency
        // the SLO reads. In virtual time the same 12 s of seed-42 arrivals give e2e p95 1.45 s, p99 1.51 s against
        // limits of 2 s and 5 s: ~0.55 s of host lateness at p95 before the verdict flips. Seen here at load 18 on 2
        // cores (other builds): p95 2.30 s with the load workers' send lateness p99 at 322 ms. A verdict measured on a
        // host that did not keep real time is not evidence about the GPU, so when the workers' own send lateness says
        // so the test is skipped with the figures, never passed; on a host keeping time the pass is asserted.
        if (!steadyOptimized.Slo.Passed && steadyOptimized.ScheduleLateness?.P99 > HostLatenessLimitMs)
        {
            Assert.Skip($"The host did not keep real time (send lateness p99 {steadyOptimized.ScheduleLateness.P99:F0} ms > " +
                $"{HostLatenessLimitMs} ms), so the steady optimized SLO verdict is not evidence: {Describe(steadyOptimized)}");
        }
        Assert.True(steadyOptimized.Slo.Passed, $"steady optimized: {Describe(steadyOptimized)}");
        Assert.True(decision.Status == DecisionStatus.Supported, evaluations);
    }

    /// <summary>
    /// A load worker times sends to well under a millisecond when it gets a core; 50 ms late at p99 (a twin step is
    /// ~10 ms) means its process waited for CPU, and so did the twin's HTTP and streaming on the same cores.
    /// </summary>
    private const double HostLatenessLimitMs = 50;

    private static bool IsSteadyOptimizedSlo(Claim claim) => claim is { Metric: "slo", Case: Steady, Profile: Optimized };

    private static string Describe(RunSummary s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.Successful}/{s.Scheduled} successful, dropped {s.Dropped} ({string.Join(", ", s.DroppedByReason.Select(d => $"{d.Key} {d.Value}"))}), " +
        $"latency p50 {s.RequestLatency?.P50:F0} p95 {s.RequestLatency?.P95:F0} p99 {s.RequestLatency?.P99:F0} ms, " +
        $"schedule lateness p99 {s.ScheduleLateness?.P99:F1} max {s.ScheduleLateness?.Max:F1} ms, ttft p95 {s.Ttft?.P95:F0} ms, " +
        $"billed {s.BilledSeconds:F1} s, {s.CostPer1KSuccessfulUsd} per 1K, SLO {(s.Slo.Passed ? "pass" : "miss: " + string.Join("; ", s.Slo.FailingTerms))}");

    private static string Describe(IEnumerable<RunProgress> runs) =>
        string.Join("; ", runs.Select(r => $"{r.Case}/{r.Profile} {r.Status} {r.Sent}/{r.Scheduled} sent {r.Succeeded} ok {r.Dropped} dropped {r.Reason}"));
}
