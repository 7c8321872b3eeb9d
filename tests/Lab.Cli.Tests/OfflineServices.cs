// The CLI as it runs without a lab: the seed's cost experiment in memory, the real GPU twin, no environment.
using Lab.Cli.Connection;
using Lab.Cli.WhatIf;
using Lab.Contracts.Experiments;

namespace Lab.Cli.Tests;

public static class OfflineServices
{
    public static readonly string RepositoryRoot = LabState.FindRepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("Tests run inside the repository.");

    public static CliServices Seed() => new()
    {
        WorkingDirectory = RepositoryRoot,
        // An empty state: whatever lab may run on this machine, these tests read the definitions.
        GetEnvironmentVariable = _ => null,
        WhatIfEngine = new TwinWhatIfEngine(),
        LocalExperiments = new SeedDefinitions(),
    };

    /// <summary>The definitions source the CLI falls back to when the orchestrator does not answer.</summary>
    private sealed class SeedDefinitions : ILocalExperiments
    {
        public IReadOnlyList<ExperimentDefinition> LoadExperiments(string repositoryRoot) => [SeedReport.Definition];
    }
}
