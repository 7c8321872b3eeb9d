// The GPU twin as the CLI asks it: one case against one profile, in virtual time.
using Lab.Contracts.Experiments;
using Lab.Evidence;
using Lab.ServingSim.Engine.Simulation;

namespace Lab.Cli.WhatIf;

public interface IWhatIfEngine
{
    /// <summary>The vLLM flag names the twin understands (what --set may change), e.g. max-num-seqs.</summary>
    IReadOnlyCollection<string> ServerArgs { get; }

    /// <summary>
    /// Plays the run's schedule (the same seeded offsets a live run of the case would send) through the twin configured by
    /// the profile, without sleeping, and answers one record per scheduled request.
    /// </summary>
    TwinRun Simulate(CaseDefinition workload, ProfileDefinition profile, RunSchedule schedule, CancellationToken cancellationToken);
}

/// <summary>The definitions kept as files in the repository (experiments/*.yaml), read when the lab is not running.</summary>
public interface ILocalExperiments
{
    IReadOnlyList<ExperimentDefinition> LoadExperiments(string repositoryRoot);
}
