// Asks the twin about every selected cell and prices the answer with the lab's cost and SLO definitions.
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;

namespace Lab.Cli.WhatIf;

public sealed record WhatIfFigures(
    int Scheduled,
    int Successful,
    int Dropped,
    double? P95LatencySeconds,
    double? P99LatencySeconds,
    decimal? RunCostUsd,
    decimal? CostPer1KSuccessfulUsd,
    decimal? CostPer1MTokensUsd,
    bool SloPassed,
    IReadOnlyList<string> FailingTerms);

public sealed record WhatIfCell(
    string Case,
    string Profile,
    IReadOnlyDictionary<string, string> ServerArgs,
    int Replicas,
    WhatIfFigures Predicted,
    WhatIfFigures? Measured,
    int Preemptions);

public sealed record WhatIfReport(
    string Experiment,
    string DefinitionSource,
    IReadOnlyDictionary<string, string> Overrides,
    int? Replicas,
    long Seed,
    double Scale,
    IReadOnlyList<GpuPrice> Prices,
    IReadOnlyList<WhatIfCell> Cells,
    double SimulationMilliseconds);

public static class WhatIfPlanner
{
    public static IReadOnlyList<WhatIfCell> Plan(
        IWhatIfEngine engine,
        ExperimentDefinition experiment,
        IReadOnlyList<CaseDefinition> cases,
        IReadOnlyList<ProfileDefinition> profiles,
        IReadOnlyDictionary<string, string> overrides,
        int? replicas,
        long seed,
        double scale,
        IReadOnlyList<GpuPrice> prices,
        ExperimentMatrix? measured,
        CancellationToken cancellationToken)
    {
        var cells = new List<WhatIfCell>();
        foreach (var workload in cases)
        {
            foreach (var baseProfile in profiles)
            {
                var args = new Dictionary<string, string>(baseProfile.ServerArgs);
                foreach (var (name, value) in overrides)
                {
                    args[name] = value;
                }
                var profile = baseProfile with { ServerArgs = args, Replicas = replicas ?? baseProfile.Replicas };
                var run = engine.Simulate(workload, profile, seed, scale, cancellationToken);
                var price = PriceFor(profile, prices);
                var predicted = Figures(run, profile, price, experiment.Slo);
                var summary = measured?.Cells.FirstOrDefault(c => c.Case == workload.Id && c.Profile == baseProfile.Id)?.Summary;
                cells.Add(new WhatIfCell(workload.Id, profile.Id, args, profile.Replicas, predicted, summary is null ? null : Figures(summary), run.Preemptions));
            }
        }
        return cells;
    }

    /// <summary>The profile's price reference, else the first price for its GPU kind.</summary>
    public static GpuPrice? PriceFor(ProfileDefinition profile, IReadOnlyList<GpuPrice> prices) =>
        prices.FirstOrDefault(p => string.Equals(p.Gpu, profile.PriceRef, StringComparison.OrdinalIgnoreCase))
        ?? prices.FirstOrDefault(p => string.Equals(p.Gpu, profile.Gpu, StringComparison.OrdinalIgnoreCase));

    /// <summary>Run cost = price per GPU-hour × GPUs per replica × replicas × billed duration (DESIGN.md).</summary>
    public static WhatIfFigures Figures(SimulatedRun run, ProfileDefinition profile, GpuPrice? price, SloDefinition slo)
    {
        decimal? cost = price is null ? null
            : price.UsdPerGpuHour * profile.GpusPerReplica * profile.Replicas * (decimal)run.BilledSeconds / 3600m;
        var per1K = cost is { } c && run.Successful > 0 ? c / run.Successful * 1000m : (decimal?)null;
        var per1M = cost is { } d && run.OutputTokens > 0 ? d / run.OutputTokens * 1_000_000m : (decimal?)null;
        var failing = new List<string>();
        if (slo.P95LatencySeconds is { } p95 && run.P95LatencySeconds > p95)
        {
            failing.Add("p95_latency_s");
        }
        if (slo.P99LatencySeconds is { } p99 && run.P99LatencySeconds > p99)
        {
            failing.Add("p99_latency_s");
        }
        if (slo.MaxDroppedFraction is { } dropped && run.Scheduled > 0 && (double)run.Dropped / run.Scheduled > dropped)
        {
            failing.Add("dropped_fraction");
        }
        return new WhatIfFigures(run.Scheduled, run.Successful, run.Dropped, run.P95LatencySeconds, run.P99LatencySeconds,
            cost, per1K, per1M, failing.Count == 0, failing);
    }

    public static WhatIfFigures Figures(RunSummary summary) => new(
        summary.Scheduled,
        summary.Successful,
        summary.Dropped,
        summary.RequestLatency?.P95 / 1000,
        summary.RequestLatency?.P99 / 1000,
        summary.RunCostUsd,
        summary.CostPer1KSuccessfulUsd,
        summary.CostPer1MTokensUsd,
        summary.Slo.Passed,
        summary.Slo.FailingTerms);
}
