// whatif's engine: the GPU twin (Lab.ServingSim.Engine) in virtual time, fed the run's seeded schedule.
using System.Globalization;
using Lab.Contracts.Experiments;
using Lab.Evidence;
using Lab.ServingSim.Engine.Hardware;
using Lab.ServingSim.Engine.Scheduling;
using Lab.ServingSim.Engine.Simulation;

namespace Lab.Cli.WhatIf;

public sealed class TwinWhatIfEngine(HardwareProfiles hardware) : IWhatIfEngine
{
    public TwinWhatIfEngine() : this(HardwareProfiles.Default)
    {
    }

    /// <summary>The vLLM flags that change the twin's EngineConfig; others in a profile (dtype, ...) do not move it.</summary>
    public IReadOnlyCollection<string> ServerArgs { get; } =
    [
        "max-num-seqs", "max-num-batched-tokens", "gpu-memory-utilization", "max-model-len", "block-size",
        "max-num-queued-reqs", "max-num-queued-tokens",
    ];

    /// <summary>A fixed origin: what-if records are relative to t0, and a fixed one keeps every answer reproducible.</summary>
    public static readonly DateTimeOffset Origin = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public TwinRun Simulate(CaseDefinition workload, ProfileDefinition profile, RunSchedule schedule, CancellationToken cancellationToken)
    {
        var options = new SimulationOptions
        {
            PromptTokens = workload.PromptTokens,
            OutputTokens = workload.OutputTokens,
            TimeoutSeconds = workload.TimeoutSeconds,
        };
        return TwinFleet.Run(Config(profile), schedule.OffsetsSeconds, options, profile.Replicas, Origin, cancellationToken);
    }

    private EngineConfig Config(ProfileDefinition profile)
    {
        var args = profile.ServerArgs;
        var defaults = new EngineConfig { Hardware = Hardware(profile) };
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
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw CliError.Usage($"Profile {profile.Id}: {e.Message}");
        }
        return config;
    }

    private HardwareProfile Hardware(ProfileDefinition profile)
    {
        try
        {
            return hardware.Find(profile.Gpu, profile.Model);
        }
        catch (KeyNotFoundException e)
        {
            throw new CliError($"Profile {profile.Id}: {e.Message}", ExitCodes.Failure, "The twin is calibrated per GPU × model in Lab.ServingSim.Engine/Data/hardware-profiles.json.");
        }
    }

    private static int? Int(IReadOnlyDictionary<string, string> args, string name) =>
        !args.TryGetValue(name, out var text) ? null
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
        : throw CliError.Usage($"--{name} must be a whole number, not '{text}'.");

    private static double? Double(IReadOnlyDictionary<string, string> args, string name) =>
        !args.TryGetValue(name, out var text) ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
        : throw CliError.Usage($"--{name} must be a number, not '{text}'.");
}
