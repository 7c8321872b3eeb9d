// Asks the twin about every selected cell and judges the answer as CostApi judges a measured run: the twin's records
// go through Lab.Evidence's run summary, so cost, percentiles and the SLO verdict have one implementation.
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Lab.Evidence;
using Lab.ServingSim.Engine.Simulation;
using Lab.ServingSim.Planner;

namespace Lab.Cli.WhatIf;

/// <summary>A cell's figures; the cost fields are null without a price, the per-work ones also without useful work.</summary>
public sealed record WhatIfFigures(
    int Scheduled,
    int Successful,
    int Dropped,
    double? P95LatencySeconds,
    double? P99LatencySeconds,
    decimal? RunCostUsd,
    decimal? CostPer1KSuccessfulUsd,
    decimal? CostPer1MTokensUsd,
    SloVerdict Slo)
{
    public bool SloPassed => Slo.Passed;
}

public sealed record WhatIfCell(
    string Case,
    string Profile,
    IReadOnlyDictionary<string, string> ServerArgs,
    int Replicas,
    WhatIfFigures Predicted,
    WhatIfFigures? Measured,
    long Preemptions);

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
        string? experimentsDirectory,
        IReadOnlyList<GpuPrice> prices,
        ExperimentMatrix? measured,
        CancellationToken cancellationToken)
    {
        var cells = new List<WhatIfCell>();
        foreach (var workload in cases)
        {
            // The schedule a live run of this case at this scale and seed would send (RunSchedule: the orchestrator's too).
            var schedule = RunSchedule.Plan(workload, scale, seed, experimentsDirectory);
            foreach (var baseProfile in profiles)
            {
                var args = new Dictionary<string, string>(baseProfile.ServerArgs);
                foreach (var (name, value) in overrides)
                {
                    args[name] = value;
                }
                var profile = baseProfile with { ServerArgs = args, Replicas = replicas ?? baseProfile.Replicas };
                var run = engine.Simulate(workload, profile, schedule, cancellationToken);
                var price = PriceFor(profile, prices);
                var summary = Summarise(run.Records, run.T0, schedule.Scaling, workload, profile, experiment, price);
                var cell = measured?.Cells.FirstOrDefault(c => c.Case == workload.Id && c.Profile == baseProfile.Id)?.Summary;
                cells.Add(new WhatIfCell(workload.Id, profile.Id, args, profile.Replicas, Figures(summary, priced: price is not null),
                    cell is null ? null : Figures(cell), run.Preemptions));
            }
        }
        return cells;
    }

    /// <summary>The lab's run summary of simulated records, as CostApi would finalize them (Lab.ServingSim.Planner's TwinSetups).</summary>
    public static RunSummary Summarise(IReadOnlyList<RequestRecord> records, DateTimeOffset t0, RunScaling scaling,
        CaseDefinition workload, ProfileDefinition profile, ExperimentDefinition experiment, GpuPrice? price) =>
        TwinSetups.Summarise(new TwinRun(records, t0, 0, 0), scaling, workload, profile, experiment.Slo, experiment.EvidenceBoundary, price);

    /// <summary>The profile's price reference, else the first price for its GPU kind.</summary>
    public static GpuPrice? PriceFor(ProfileDefinition profile, IReadOnlyList<GpuPrice> prices) => TwinSetups.PriceFor(profile, prices);

    public static WhatIfFigures Figures(RunSummary summary, bool priced = true) => new(
        summary.Scheduled,
        summary.Successful,
        summary.Dropped,
        summary.RequestLatency?.P95 / 1000,
        summary.RequestLatency?.P99 / 1000,
        priced ? summary.RunCostUsd : null,
        priced ? summary.CostPer1KSuccessfulUsd : null,
        priced ? summary.CostPer1MTokensUsd : null,
        summary.Slo);
}
