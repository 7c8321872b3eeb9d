// whatif's engine: the GPU twin (Lab.ServingSim.Engine) in virtual time, fed the case's seeded arrivals.
using System.Globalization;
using Lab.Contracts.Experiments;
using Lab.Experiments.Arrivals;
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

    public SimulatedRun Simulate(CaseDefinition workload, ProfileDefinition profile, long seed, double scale, CancellationToken cancellationToken)
    {
        var config = Config(profile);
        var arrivals = ArrivalSchedule.Plan(workload.Arrival, CaseScaling.Scale(workload, scale).RunDurationSeconds, seed);
        var options = new SimulationOptions
        {
            PromptTokens = workload.PromptTokens,
            OutputTokens = workload.OutputTokens,
            TimeoutSeconds = workload.TimeoutSeconds,
            RecordRequests = profile.Replicas > 1,
        };
        if (profile.Replicas <= 1)
        {
            var report = VirtualTimeSimulation.Run(config, arrivals, options);
            return new SimulatedRun((int)report.Scheduled, (int)report.Successful, (int)report.Dropped,
                report.E2eMs.P95 / 1000, report.E2eMs.P99 / 1000, report.Successful * (long)workload.OutputTokens,
                report.DurationSeconds, (int)report.Preemptions);
        }
        return Replicated(config, arrivals, options, profile.Replicas, workload, cancellationToken);
    }

    /// <summary>
    /// N replicas behind a round-robin balancer: each gets every N-th arrival; percentiles over all requests,
    /// billed from the first arrival to the last request's end (every replica is paid for that long).
    /// </summary>
    private static SimulatedRun Replicated(EngineConfig config, double[] arrivals, SimulationOptions options, int replicas,
        CaseDefinition workload, CancellationToken cancellationToken)
    {
        var latencies = new List<double>(arrivals.Length);
        int successful = 0, dropped = 0, preemptions = 0;
        double first = double.PositiveInfinity, last = double.NegativeInfinity;
        for (var replica = 0; replica < replicas; replica++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var share = arrivals.Where((_, i) => i % replicas == replica).ToArray();
            if (share.Length == 0)
            {
                continue;
            }
            var report = VirtualTimeSimulation.Run(config, share, options);
            successful += (int)report.Successful;
            dropped += (int)report.Dropped;
            preemptions += (int)report.Preemptions;
            foreach (var request in report.Requests)
            {
                latencies.Add(request.EndToEnd);
                first = Math.Min(first, request.Arrival);
                last = Math.Max(last, request.Arrival + request.EndToEnd);
            }
        }
        latencies.Sort();
        return new SimulatedRun(arrivals.Length, successful, dropped, NearestRank(latencies, 0.95), NearestRank(latencies, 0.99),
            successful * (long)workload.OutputTokens, latencies.Count == 0 ? 0 : last - first, preemptions);
    }

    private static double NearestRank(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

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
