// What the planner is asked (a case, the hardware to try, prices, the space of flags) and what it answers, as plain
// records the CLI serializes and the web shows. Money is decimal and latency seconds, as in the lab's run summary.
using System.Globalization;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Lab.ServingSim.Engine.Hardware;

namespace Lab.ServingSim.Planner;

/// <summary>
/// The values each dimension takes. Replicas run 1..MaxReplicas; a null queue limit is vLLM's default (unbounded).
/// GPU memory utilization stays at vLLM's 0.90 (the experiment profiles' value): raising it only adds KV blocks.
/// </summary>
public sealed record PlanSpace(
    IReadOnlyList<int> MaxNumSeqs,
    IReadOnlyList<int> MaxNumBatchedTokens,
    IReadOnlyList<int?> MaxNumQueuedReqs,
    int MaxReplicas,
    double GpuMemoryUtilization = 0.9)
{
    public const int ReplicaLimit = 64;

    /// <summary>
    /// Powers of two for the sequence cap (vLLM's CUDA graph sizes are too), the budgets people set around vLLM's 8192
    /// default, and queue limits from tight to vLLM's unbounded default.
    /// </summary>
    public static PlanSpace Default(int maxReplicas = 8) => new(
        [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
        [2048, 4096, 8192, 16384],
        [8, 32, 128, null],
        maxReplicas);

    /// <summary>Setups per hardware entry: replicas × sequence caps × budgets × queue limits.</summary>
    public long SetupsPerHardware => (long)MaxReplicas * MaxNumSeqs.Count * MaxNumBatchedTokens.Count * MaxNumQueuedReqs.Count;

    /// <summary>Throws ArgumentException naming the dimension that is wrong and what it allows.</summary>
    public void Validate()
    {
        if (MaxReplicas is < 1 or > ReplicaLimit)
        {
            throw new ArgumentException($"--max-replicas must be between 1 and {ReplicaLimit}, not {MaxReplicas}.");
        }
        if (MaxNumSeqs.Count == 0 || MaxNumSeqs.Any(s => s < 1))
        {
            throw new ArgumentException("max-num-seqs values must be whole numbers of at least 1.");
        }
        if (MaxNumBatchedTokens.Count == 0 || MaxNumBatchedTokens.Any(b => b < 1))
        {
            throw new ArgumentException("max-num-batched-tokens values must be whole numbers of at least 1.");
        }
        if (MaxNumQueuedReqs.Count == 0 || MaxNumQueuedReqs.Any(q => q < 0))
        {
            throw new ArgumentException("max-num-queued-reqs values must be zero or more, or unbounded.");
        }
    }
}

/// <summary>One point of the space: the hardware entry (GPU × model × tensor parallel), replicas and the vLLM flags.</summary>
public sealed record ServingSetup(HardwareProfile Hardware, int Replicas, int MaxNumSeqs, int MaxNumBatchedTokens, int? MaxNumQueuedReqs,
    double GpuMemoryUtilization = 0.9)
{
    public int GpusPerReplica => Hardware.TensorParallelSize;

    /// <summary>Every server arg a vLLM deployment of this setup is started with, by vLLM flag name.</summary>
    public IReadOnlyDictionary<string, string> ServerArgs
    {
        get
        {
            var args = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["max-num-seqs"] = MaxNumSeqs.ToString(CultureInfo.InvariantCulture),
                ["max-num-batched-tokens"] = MaxNumBatchedTokens.ToString(CultureInfo.InvariantCulture),
                ["gpu-memory-utilization"] = GpuMemoryUtilization.ToString("0.00", CultureInfo.InvariantCulture),
            };
            if (MaxNumQueuedReqs is { } queued)
            {
                args["max-num-queued-reqs"] = queued.ToString(CultureInfo.InvariantCulture);
            }
            if (Hardware.TensorParallelSize > 1)
            {
                args["tensor-parallel-size"] = Hardware.TensorParallelSize.ToString(CultureInfo.InvariantCulture);
            }
            return args;
        }
    }

    /// <summary>The setup as an experiment profile (the shape the orchestrator runs and the ledger snapshots).</summary>
    public ProfileDefinition ToProfile(string id, string description, string? target = null) =>
        new(id, description, Hardware.Model, Hardware.Gpu, GpusPerReplica, Replicas, Hardware.Gpu, ServerArgs, target);

    public override string ToString() =>
        $"{Hardware.Gpu} x{Replicas} seqs {MaxNumSeqs} batched {MaxNumBatchedTokens} queued {MaxNumQueuedReqs?.ToString(CultureInfo.InvariantCulture) ?? "unbounded"}";
}

/// <summary>
/// A case to plan: its experiment (SLO, evidence boundary, the profiles to compare with), the hardware to try, a price for
/// each GPU, and the table the experiment's own profiles are looked up in (the built-in one by default).
/// </summary>
public sealed record PlanRequest(
    ExperimentDefinition Experiment,
    CaseDefinition Case,
    IReadOnlyList<HardwareProfile> Hardware,
    IReadOnlyList<GpuPrice> Prices,
    PlanSpace Space,
    long Seed,
    double Scale = 1,
    string? ExperimentsDirectory = null,
    HardwareProfiles? Table = null);

/// <summary>The figures of one setup, named and computed as the lab's run summary (Lab.Evidence).</summary>
public sealed record SetupFigures(
    int Scheduled,
    int Successful,
    int Dropped,
    double? P95LatencySeconds,
    double? P99LatencySeconds,
    decimal RunCostUsd,
    decimal? CostPer1KSuccessfulUsd,
    decimal? CostPer1MTokensUsd,
    SloVerdict Slo)
{
    public static SetupFigures From(RunSummary summary) => new(
        summary.Scheduled,
        summary.Successful,
        summary.Dropped,
        summary.RequestLatency?.P95 / 1000,
        summary.RequestLatency?.P99 / 1000,
        summary.RunCostUsd,
        summary.CostPer1KSuccessfulUsd,
        summary.CostPer1MTokensUsd,
        summary.Slo);

    /// <summary>
    /// How far the worst SLO term is from its limit, as actual ÷ limit (1 or below passes every term): the planner's
    /// measure of the closest setup when none meets the SLO.
    /// </summary>
    public double WorstTermRatio => Slo.Terms.Count == 0 ? 0 : Slo.Terms.Max(t => t.Limit > 0 ? t.Actual / t.Limit : t.Actual > 0 ? double.PositiveInfinity : 0);
}

/// <summary>A setup as reported: what to deploy and what the twin predicts for it.</summary>
public sealed record PlannedSetup(
    string Gpu,
    string Model,
    string Dtype,
    int TensorParallel,
    int Replicas,
    IReadOnlyDictionary<string, string> ServerArgs,
    SetupFigures Predicted)
{
    public bool MeetsSlo => Predicted.Slo.Passed;

    public static PlannedSetup Of(ServingSetup setup, SetupFigures figures) => new(
        setup.Hardware.Gpu, setup.Hardware.Model, setup.Hardware.Dtype, setup.Hardware.TensorParallelSize, setup.Replicas,
        setup.ServerArgs, figures);
}

/// <summary>How the pick's cost per 1K successful compares with another's, in the words the CLI and the web both use.</summary>
public static class CostDifference
{
    /// <summary>Differences under 0.05 % read as the same cost (setups that finish the same work bill the same span).</summary>
    public static bool IsSame(decimal fraction) => Math.Abs(fraction) < 0.0005m;

    /// <summary>"the same", "12.3 % cheaper" or "4 % dearer" for (pick − other) ÷ other.</summary>
    public static string Describe(decimal fraction) =>
        IsSame(fraction) ? "the same"
        : fraction < 0 ? $"{(-fraction * 100).ToString("0.#", CultureInfo.InvariantCulture)} % cheaper"
        : $"{(fraction * 100).ToString("0.#", CultureInfo.InvariantCulture)} % dearer";
}

/// <summary>An existing profile of the experiment, predicted by the same twin, and how the pick compares with it.</summary>
public sealed record ProfileComparison(string Profile, SetupFigures Predicted, decimal? PickCostDifferenceFraction);

/// <summary>
/// What the search did. Space is every setup the dimensions describe; each was simulated, or found identical to one that
/// was (a limit that never bound), or proven dearer than the cheapest passing setup on its GPU before simulation, or
/// refused as vLLM would refuse it at start-up.
/// </summary>
public sealed record PlanCounts(long Space, int Simulated, long Equivalent, long PrunedByCost, long Infeasible);

/// <summary>
/// The plan of one case. Pick is the cheapest setup per 1K successful requests that meets the SLO (null when none does:
/// Closest is then the setup whose worst term is nearest its limit). RunnerUp is the cheapest passing setup on another
/// GPU type. Frontier holds every simulated setup within the SLO's dropped fraction that no other such setup beats on both
/// cost per 1K successful and p95 latency.
/// </summary>
public sealed record CasePlan(
    string Case,
    PlannedSetup? Pick,
    PlannedSetup? RunnerUp,
    PlannedSetup? Closest,
    IReadOnlyList<PlannedSetup> Frontier,
    IReadOnlyList<ProfileComparison> Profiles,
    PlanCounts Counts,
    IReadOnlyList<string> Infeasible,
    double ElapsedMilliseconds);

/// <summary>Progress of a plan: setups accounted for (simulated, equivalent, pruned or infeasible) out of the space.</summary>
public readonly record struct PlanProgress(string Case, long Done, long Space, int Simulated);
