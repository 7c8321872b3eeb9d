// Wire records shaped like the seed card, for the view-model tests.
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;

namespace Lab.Web.Tests;

internal static class Fixtures
{
    public const string Steady = "steady-cost-efficiency";
    public const string Burst = "burst-cost-efficiency";
    public const string Naive = "naive-single";
    public const string Optimized = "optimized-batched";
    public const string Boundary = "Costs include the serving GPU model only.";

    public static ExperimentDefinition Definition(string naiveSeqs = "1", string optimizedSeqs = "256", bool optimizedFirst = false)
    {
        var cases = new[]
        {
            new CaseDefinition(Burst, "burst workload", 512, 128, new ArrivalDefinition("bursts", 12, Bursts: new BurstDefinition(45, 10, 30, 10)), 120, 60),
            new CaseDefinition(Steady, "steady workload", 512, 128, new ArrivalDefinition("poisson", 22), 120, 60),
        };
        var naive = Profile(Naive, naiveSeqs);
        var optimized = Profile(Optimized, optimizedSeqs);
        return new ExperimentDefinition("cost", "Cost per Useful Work", "How much cheaper…?", "Cost efficiency", "Why.",
            cases, optimizedFirst ? [optimized, naive] : [naive, optimized],
            [new MetricGroup("Cost", ["cost_per_1k_successful"])], new SloDefinition(2, 5, 0.01), Boundary,
            [new DecisionLink("useful-work-cost", "Useful-work cost", "Use batching.")]);
    }

    private static ProfileDefinition Profile(string id, string seqs) =>
        new(id, id, "llama-3.1-8b", "H100-SXM-80GB", 1, 1, "H100-SXM-80GB", new Dictionary<string, string> { ["max-num-seqs"] = seqs });

    /// <summary>The seed card's four runs.</summary>
    public static ExperimentMatrix SeedMatrix() => new("cost", "Cost per Useful Work",
    [
        Cell(Steady, Naive, Summary(413, 2227, 60_310, 0.137976m, passed: false)),
        Cell(Steady, Optimized, Summary(2670, 0, 1_610, 0.019752m, passed: true)),
        Cell(Burst, Naive, Summary(227, 2882, 120_000, 0.164137m, passed: false)),
        Cell(Burst, Optimized, Summary(2570, 677, 10_910, 0.012768m, passed: false)),
    ], ["finding"], Boundary, new DateTimeOffset(2026, 5, 15, 0, 0, 0, TimeSpan.Zero), []);

    public static MatrixCell Cell(string c, string p, RunSummary? summary) => new(c, p, false, null, summary);

    public static RunSummary Summary(int successful, int dropped, double p95Ms, decimal costPer1K, bool passed) => new(
        Guid.NewGuid(), successful + dropped, successful + dropped, successful, dropped, new Dictionary<string, int>(),
        new Percentiles(p95Ms / 2, p95Ms * 0.9, p95Ms, p95Ms * 1.1, p95Ms * 1.2, successful + dropped), null, null, null, null, null,
        10, 100, successful * 128L, 120, costPer1K * successful / 1000, costPer1K, null, successful,
        new SloVerdict(passed, [], passed ? [] : ["p95_latency 10.91 s exceeds 2 s"]),
        new GpuPrice("H100-SXM-80GB", 2.99m, "Lambda", new DateOnly(2026, 5, 1)), Boundary, DateTimeOffset.UnixEpoch);

    public static RequestRecord Record(int index, RequestOutcome outcome, double? e2eMs = null, double? ttftMs = null,
        DateTimeOffset? givenUpAt = null, DropReason? reason = null, double? queueMs = null, double? prefillMs = null, double? decodeMs = null,
        double? tpotMs = null)
    {
        var planned = DateTimeOffset.UnixEpoch.AddSeconds(index);
        return new RequestRecord(index, "w1", planned, planned, null, null, givenUpAt, outcome, reason, outcome == RequestOutcome.Success ? 200 : null,
            512, 128, ttftMs, tpotMs, e2eMs, null, "abc123", queueMs, prefillMs, decodeMs);
    }
}
