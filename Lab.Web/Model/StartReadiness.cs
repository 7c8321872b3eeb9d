// Whether the Start page may start what is chosen, and why not in words.
using Lab.Contracts.Experiments;
using Lab.Contracts.Orchestration;
using Lab.Evidence;

namespace Lab.Web.Model;

public static class StartReadiness
{
    /// <summary>Null when the run (or matrix) can start; otherwise the sentence the page shows beside the disabled button.</summary>
    public static string? Blocked(string mode, ExperimentDefinition? definition, string? caseId, string? profile, string? target,
        double? scale, IReadOnlyList<TargetReadiness>? readiness)
    {
        if (definition is null)
        {
            return "Choose an experiment.";
        }
        if (scale is not { } s || !RunScale.IsValid(s))
        {
            return "Scale must be above 0 and at most 1.";
        }
        if (readiness is null)
        {
            return "Waiting for the targets' readiness.";
        }
        if (mode == "matrix")
        {
            var notReady = definition.Profiles
                .Where(p => readiness.FirstOrDefault(r => r.Profile == p.Id) is not { Ready: true })
                .Select(p => p.Id)
                .ToList();
            return notReady.Count == 0 ? null : $"Not ready: {string.Join(", ", notReady)}. Every profile's target must be ready to run the matrix.";
        }
        if (definition.Cases.All(c => c.Id != caseId))
        {
            return "Choose a case.";
        }
        if (definition.Profiles.All(p => p.Id != profile))
        {
            return "Choose a profile.";
        }
        var chosen = readiness.FirstOrDefault(r => r.Target == target && r.Profile == profile) ?? readiness.FirstOrDefault(r => r.Target == target);
        return chosen switch
        {
            null => $"Target {target} has not been checked; choose a listed target.",
            { Ready: false } => $"Target {chosen.Target} is not ready{(chosen.Reason is { } why ? ": " + why : ".")}",
            _ => null,
        };
    }

    public static bool MatrixFinished(MatrixProgress matrix) =>
        matrix.Pending.Count == 0 && matrix.Runs.All(r => RunLifecycle.IsTerminal(r.Status));
}
