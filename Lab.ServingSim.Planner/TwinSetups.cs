// One mapping from a profile's vLLM flags to the twin's EngineConfig, and one way to turn a simulated run into the lab's
// run summary; the what-if, the planner and the planner's verify all go through here, so they read a setup the same way.
using System.Globalization;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Lab.Evidence;
using Lab.ServingSim.Engine.Hardware;
using Lab.ServingSim.Engine.Scheduling;
using Lab.ServingSim.Engine.Simulation;

namespace Lab.ServingSim.Planner;

public static class TwinSetups
{
    /// <summary>The vLLM flags that change the twin's EngineConfig; others in a profile (dtype, ...) do not move it.</summary>
    public static IReadOnlyList<string> ServerArgs { get; } =
    [
        "max-num-seqs", "max-num-batched-tokens", "gpu-memory-utilization", "max-model-len", "block-size",
        "max-num-queued-reqs", "max-num-queued-tokens", "tensor-parallel-size",
    ];

    /// <summary>A fixed origin: simulated records are relative to t0, and a fixed one keeps every answer reproducible.</summary>
    public static readonly DateTimeOffset Origin = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The hardware entry a profile runs on: its GPU, its model and its tensor parallel size (1 unless set).</summary>
    public static HardwareProfile Hardware(HardwareProfiles hardware, ProfileDefinition profile) =>
        hardware.Find(profile.Gpu, profile.Model, Int(profile.ServerArgs, "tensor-parallel-size") ?? 1);

    /// <summary>
    /// The engine a profile's server args describe on the given hardware, validated as vLLM validates at start-up.
    /// Throws ArgumentException naming the flag that is wrong and what it allows.
    /// </summary>
    public static EngineConfig Config(HardwareProfile hardware, IReadOnlyDictionary<string, string> args)
    {
        var defaults = new EngineConfig { Hardware = hardware };
        var config = defaults with
        {
            MaxNumSeqs = Int(args, "max-num-seqs") ?? defaults.MaxNumSeqs,
            MaxNumBatchedTokens = Int(args, "max-num-batched-tokens") ?? defaults.MaxNumBatchedTokens,
            GpuMemoryUtilization = Double(args, "gpu-memory-utilization") ?? defaults.GpuMemoryUtilization,
            MaxModelLen = Int(args, "max-model-len") ?? defaults.MaxModelLen,
            BlockSize = Int(args, "block-size") ?? defaults.BlockSize,
            MaxNumQueuedReqs = Int(args, "max-num-queued-reqs") ?? defaults.MaxNumQueuedReqs,
            MaxNumQueuedTokens = Int(args, "max-num-queued-tokens") ?? defaults.MaxNumQueuedTokens,
        };
        config.Validate();
        return config;
    }

    /// <summary>
    /// The case's schedule played through the fleet in virtual time, open loop, as a live run would send it. Without
    /// <paramref name="tokenGaps"/> the records carry no inter-token gaps, so the summary has no ITL percentiles and
    /// every other figure is unchanged (the planner's case: it never reads ITL).
    /// </summary>
    public static TwinRun Simulate(CaseDefinition workload, EngineConfig config, int replicas, RunSchedule schedule,
        CancellationToken cancellationToken = default, bool tokenGaps = true)
    {
        var options = new SimulationOptions
        {
            PromptTokens = workload.PromptTokens,
            OutputTokens = workload.OutputTokens,
            TimeoutSeconds = workload.TimeoutSeconds,
        };
        return TwinFleet.Run(config, schedule.OffsetsSeconds, options, replicas, Origin, cancellationToken, tokenGaps);
    }

    /// <summary>
    /// The lab's run summary of simulated records, exactly as CostApi finalizes a measured run (Lab.Evidence's
    /// RunSummaryCalculator over the same snapshot shape). Without a price the summary is taken at $0 per GPU-hour.
    /// </summary>
    public static RunSummary Summarise(TwinRun run, RunScaling scaling, CaseDefinition workload, ProfileDefinition profile,
        SloDefinition slo, string evidenceBoundary, GpuPrice? price)
    {
        var snapshot = new RunSnapshot(workload, profile, slo,
            price ?? new GpuPrice(profile.PriceRef, 0, "no price: cost not estimated", DateOnly.FromDateTime(run.T0.UtcDateTime)),
            evidenceBoundary, scaling);
        return RunSummaryCalculator.Calculate(Guid.Empty, run.Records.Count, run.T0, snapshot, run.Records, run.T0);
    }

    /// <summary>The profile's price reference, else the first price for its GPU kind.</summary>
    public static GpuPrice? PriceFor(ProfileDefinition profile, IReadOnlyList<GpuPrice> prices) =>
        prices.FirstOrDefault(p => string.Equals(p.Gpu, profile.PriceRef, StringComparison.OrdinalIgnoreCase))
        ?? prices.FirstOrDefault(p => string.Equals(p.Gpu, profile.Gpu, StringComparison.OrdinalIgnoreCase));

    private static int? Int(IReadOnlyDictionary<string, string> args, string name) =>
        !args.TryGetValue(name, out var text) ? null
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ArgumentException($"--{name} must be a whole number, not '{text}'.");

    private static double? Double(IReadOnlyDictionary<string, string> args, string name) =>
        !args.TryGetValue(name, out var text) ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ArgumentException($"--{name} must be a number, not '{text}'.");
}
