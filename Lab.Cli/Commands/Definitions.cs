// Looks up experiments, cases and profiles by name; an unknown name is a usage error naming the valid ones.
using Lab.Cli.Connection;
using Lab.Contracts.Experiments;

namespace Lab.Cli.Commands;

public static class Definitions
{
    public static async Task<ExperimentDefinition> GetAsync(LabConnection lab, string id, CancellationToken cancellationToken)
    {
        var all = await lab.Orchestrator.ListExperimentsAsync(cancellationToken);
        return Find(all, id);
    }

    public static ExperimentDefinition Find(IReadOnlyList<ExperimentDefinition> all, string id) =>
        all.FirstOrDefault(e => string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase))
        ?? throw CliError.UnknownName("experiment", id, all.Select(e => e.Id));

    public static CaseDefinition Case(ExperimentDefinition experiment, string id) =>
        experiment.Cases.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase))
        ?? throw CliError.UnknownName("case", id, experiment.Cases.Select(c => c.Id));

    public static ProfileDefinition Profile(ExperimentDefinition experiment, string id) =>
        experiment.Profiles.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase))
        ?? throw CliError.UnknownName("profile", id, experiment.Profiles.Select(p => p.Id));

    /// <summary>The selected cases (all when none named), validated.</summary>
    public static IReadOnlyList<CaseDefinition> Cases(ExperimentDefinition experiment, IReadOnlyList<string>? ids) =>
        ids is null || ids.Count == 0 ? experiment.Cases : ids.Select(id => Case(experiment, id)).ToList();

    public static IReadOnlyList<ProfileDefinition> Profiles(ExperimentDefinition experiment, IReadOnlyList<string>? ids) =>
        ids is null || ids.Count == 0 ? experiment.Profiles : ids.Select(id => Profile(experiment, id)).ToList();
}
