// Which case is the steady one, which the burst one, which profile is naive and which optimized — read from
// the definition (arrival process, max-num-seqs), so the headline cards follow the data, not fixed ids.
using System.Globalization;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;

namespace Lab.Web.Model;

public sealed record MatrixRoles(string? SteadyCase, string? BurstCase, string? NaiveProfile, string? OptimizedProfile)
{
    public static MatrixRoles From(ExperimentDefinition definition)
    {
        var steady = definition.Cases.FirstOrDefault(c => !IsBursty(c.Arrival));
        var burst = definition.Cases.FirstOrDefault(c => IsBursty(c.Arrival));
        var (naive, optimized) = ProfileRoles(definition.Profiles);
        return new MatrixRoles(steady?.Id, burst?.Id, naive, optimized);
    }

    /// <summary>Spiky on/off bursts, or gamma arrivals burstier than Poisson (shape below 1, vLLM's convention).</summary>
    public static bool IsBursty(ArrivalDefinition arrival) => arrival.Kind switch
    {
        "bursts" => true,
        "gamma" => arrival.Burstiness is < 1,
        _ => false,
    };

    /// <summary>
    /// The profile allowing the fewest concurrent sequences is the naive reference, the one allowing the most is the
    /// optimized one. Without distinct max-num-seqs values the definition's order decides (first naive, last optimized).
    /// </summary>
    private static (string? Naive, string? Optimized) ProfileRoles(IReadOnlyList<ProfileDefinition> profiles)
    {
        if (profiles.Count < 2)
        {
            return (null, null);
        }
        var bySeqs = profiles
            .Select(p => (p.Id, Seqs: p.ServerArgs.TryGetValue("max-num-seqs", out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (int?)null))
            .ToList();
        if (bySeqs.All(p => p.Seqs is not null) && bySeqs.Select(p => p.Seqs).Distinct().Count() == bySeqs.Count)
        {
            return (bySeqs.MinBy(p => p.Seqs).Id, bySeqs.MaxBy(p => p.Seqs).Id);
        }
        return (profiles[0].Id, profiles[^1].Id);
    }

    public MatrixCell? Cell(ExperimentMatrix matrix, string? caseId, string? profileId) =>
        caseId is null || profileId is null ? null : matrix.Cells.FirstOrDefault(c => c.Case == caseId && c.Profile == profileId);
}
