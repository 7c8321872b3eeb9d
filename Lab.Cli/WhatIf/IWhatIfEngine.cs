// The GPU twin as the CLI asks it: one case against one profile, in virtual time.
using Lab.Contracts.Experiments;

namespace Lab.Cli.WhatIf;

public interface IWhatIfEngine
{
    /// <summary>The vLLM flag names the twin understands (what --set may change), e.g. max-num-seqs.</summary>
    IReadOnlyCollection<string> ServerArgs { get; }

    /// <summary>Plays the case's arrivals (seeded) through the twin configured by the profile, without sleeping.</summary>
    SimulatedRun Simulate(CaseDefinition workload, ProfileDefinition profile, long seed, double scale, CancellationToken cancellationToken);
}

/// <summary>
/// A simulated run in the lab's definitions: latency percentiles over all scheduled requests (dropped ones at the
/// time they were given up), billed seconds from the first planned send to the end of the last request.
/// </summary>
public sealed record SimulatedRun(
    int Scheduled,
    int Successful,
    int Dropped,
    double P95LatencySeconds,
    double P99LatencySeconds,
    long OutputTokens,
    double BilledSeconds,
    int Preemptions);

/// <summary>The definitions kept as files in the repository (experiments/*.yaml), read when the lab is not running.</summary>
public interface ILocalExperiments
{
    IReadOnlyList<ExperimentDefinition> LoadExperiments(string repositoryRoot);
}
