// The seed card's experiment (as experiments/cost.yaml defines it) and figures as an ExperimentReport, built the way CostApi reports it.
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;

namespace Lab.Cli.Tests;

public static class SeedReport
{
    public const string Boundary =
        "Costs include the serving GPU model only. They do not include control plane, networking, storage, observability, idle platform cost, or operator time.";

    public static readonly GpuPrice Price = new("H100-SXM-80GB", 2.99m, "Lambda on-demand", new DateOnly(2026, 5, 1));

    public static ExperimentDefinition Definition { get; } = new(
        "cost",
        "Cost per Useful Work",
        "How much cheaper does the same GPU become when concurrency and batching produce more successful work?",
        "Cost efficiency",
        "Compares naive and optimized serving profiles with cost tied to successful requests and generated tokens.",
        [
            new CaseDefinition("steady-cost-efficiency", "steady workload for comparing useful work per serving dollar", 512, 128,
                new ArrivalDefinition("poisson", 22), 120, 60),
            new CaseDefinition("burst-cost-efficiency", "burst workload for comparing cost efficiency under tail-latency pressure", 512, 128,
                new ArrivalDefinition("bursts", 12, Bursts: new BurstDefinition(45, 10, 30, 10)), 120, 60),
        ],
        [
            new ProfileDefinition("naive-single", "one active sequence reference profile for low useful work per GPU",
                "llama-3.1-8b", "H100-SXM-80GB", 1, 1, "H100-SXM-80GB", new Dictionary<string, string> { ["max-num-seqs"] = "1", ["max-num-batched-tokens"] = "8192", ["gpu-memory-utilization"] = "0.90" }),
            new ProfileDefinition("optimized-batched", "higher sequence and batched-token limits for better useful work per GPU",
                "llama-3.1-8b", "H100-SXM-80GB", 1, 1, "H100-SXM-80GB",
                new Dictionary<string, string> { ["max-num-seqs"] = "256", ["max-num-batched-tokens"] = "8192", ["gpu-memory-utilization"] = "0.90" }),
        ],
        [
            new MetricGroup("Useful work", ["completed requests", "successful requests", "generated tokens"]),
            new MetricGroup("Cost", ["cost per 1K successful requests", "cost per 1M generated tokens"]),
            new MetricGroup("SLO", ["p95 request latency", "p99 request latency", "SLO passed"]),
        ],
        new SloDefinition(2, 5, 0.01),
        Boundary,
        [new DecisionLink("useful-work-cost", "Useful-work cost", "Use batching for small-request economics, but gate burst SLO claims.")]);

    public static ExperimentReport Build()
    {
        var cells = new List<MatrixCell>
        {
            Cell("steady-cost-efficiency", "naive-single", 2640, 413, 2227, 60.31, 0.137976m, false),
            Cell("steady-cost-efficiency", "optimized-batched", 2670, 2670, 0, 1.61, 0.019752m, true),
            Cell("burst-cost-efficiency", "naive-single", 3109, 227, 2882, 120.00, 0.164137m, false),
            Cell("burst-cost-efficiency", "optimized-batched", 3247, 2570, 677, 10.91, 0.012768m, false),
        };
        var decision = new DecisionRecord(Guid.Parse("6c1f7c1e-9a43-4d2a-8c55-0d1b1a2b3c4d"), "cost", "Useful-work cost",
            "Use batching for small-request economics, but gate burst SLO claims.",
            [new Claim("slo", "steady-cost-efficiency", "optimized-batched", "eq", Value: "pass", Text: "Steady optimized passes the SLO.")],
            [new ClaimEvaluation(new Claim("slo", "steady-cost-efficiency", "optimized-batched", "eq", Value: "pass", Text: "Steady optimized passes the SLO."),
                ClaimStatus.Holds, "pass", "pass", "slo of steady × optimized is pass")],
            DecisionStatus.Supported, new DateTimeOffset(2026, 5, 15, 10, 0, 0, TimeSpan.Zero));
        var matrix = new ExperimentMatrix("cost", Definition.Title, cells,
            [
                "The steady optimized profile completed 2670 successful requests with no dropped work and p95 1.61s.",
                "The burst optimized profile was cheapest per useful request but still missed latency with p95 10.91s.",
            ],
            Boundary, new DateTimeOffset(2026, 5, 15, 9, 30, 0, TimeSpan.Zero), [decision]);
        return new ExperimentReport(Definition, matrix, new DateTimeOffset(2026, 5, 15, 12, 0, 0, TimeSpan.Zero));
    }

    private static MatrixCell Cell(string workload, string profile, int scheduled, int successful, int dropped, double p95Seconds, decimal per1K, bool passed)
    {
        var runId = Guid.NewGuid();
        var runCost = per1K * successful / 1000m;
        var failing = passed ? Array.Empty<string>() : ["p95_latency_s"];
        var summary = new RunSummary(runId, scheduled, successful + dropped, successful, dropped,
            dropped > 0 ? new Dictionary<string, int> { ["timeout"] = dropped } : new Dictionary<string, int>(),
            new Percentiles(p95Seconds * 500, p95Seconds * 900, p95Seconds * 1000, p95Seconds * 1100, p95Seconds * 1200, scheduled),
            null, null, null, null, null, 20, 2600, successful * 128L, 63.5, runCost, per1K,
            runCost / (successful * 128m) * 1_000_000m, successful,
            new SloVerdict(passed, [new SloTerm("p95_latency_s", 2, p95Seconds, "s")], failing), Price, Boundary,
            new DateTimeOffset(2026, 5, 15, 9, 0, 0, TimeSpan.Zero));
        var snapshot = new RunSnapshot(Definition.Cases.First(c => c.Id == workload), Definition.Profiles.First(p => p.Id == profile), Definition.Slo, Price, Boundary);
        var run = new RunInfo(runId, "cost", workload, profile, "http://127.0.0.1:8000", 1, 1, scheduled, RunStatus.Completed, null,
            summary.FinalizedAt, summary.FinalizedAt, summary.FinalizedAt, snapshot);
        return new MatrixCell(workload, profile, false, run, summary);
    }
}
