// The three headline cards of the experiment page and its lead sentence, generated from the selected runs.
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Lab.Evidence;

namespace Lab.Web.Model;

public enum Tone
{
    Neutral,
    Good,
    Bad,
}

/// <summary>One card: a label, the big number, the line under it, whether it reads good or bad, and where it came from.</summary>
public sealed record Headline(string Label, string Value, string Detail, Tone Tone, string Case, string Profile, Guid? RunId);

public static class Headlines
{
    public static IReadOnlyList<Headline> Build(ExperimentDefinition definition, ExperimentMatrix matrix)
    {
        var roles = MatrixRoles.From(definition);
        var cards = new List<Headline>();
        if (roles.Cell(matrix, roles.SteadyCase, roles.OptimizedProfile) is { } steadyOptimized)
        {
            cards.Add(Card(steadyOptimized, $"{Cap(Short(steadyOptimized.Case))} {Short(steadyOptimized.Profile)}", s =>
                (Format.Usd(s.CostPer1KSuccessfulUsd), $"per 1K successful requests; SLO {Verdict(s)}", s.Slo.Passed ? Tone.Good : Tone.Bad)));
        }
        if (roles.Cell(matrix, roles.SteadyCase, roles.NaiveProfile) is { } naiveSteady)
        {
            cards.Add(Card(naiveSteady, $"{Cap(Short(naiveSteady.Profile))} {Short(naiveSteady.Case)}", s =>
                (Format.Usd(s.CostPer1KSuccessfulUsd), $"per 1K successful requests; {Format.Count(s.Dropped)} dropped", s.Dropped == 0 ? Tone.Neutral : Tone.Bad)));
        }
        if (roles.Cell(matrix, roles.BurstCase, roles.OptimizedProfile) is { } burstOptimized)
        {
            cards.Add(Card(burstOptimized, $"{Cap(Short(burstOptimized.Case))} {Short(burstOptimized.Profile)}", s =>
                ($"{Format.Seconds(s.RequestLatency?.P95)} p95",
                 $"{Format.Usd(s.CostPer1KSuccessfulUsd)} per 1K, {(s.Slo.Passed ? "and SLO pass" : "but SLO miss")}", s.Slo.Passed ? Tone.Good : Tone.Bad)));
        }
        return cards;
    }

    /// <summary>
    /// The card's lead sentence: how much the optimized profile cut cost per useful request in each case, and which
    /// optimized runs met the SLO. Empty until at least one case has both profiles finalized.
    /// </summary>
    public static string? Lead(ExperimentDefinition definition, ExperimentMatrix matrix)
    {
        var roles = MatrixRoles.From(definition);
        if (roles.NaiveProfile is null || roles.OptimizedProfile is null)
        {
            return null;
        }
        var cuts = new List<string>();
        var passing = new List<string>();
        var missing = new List<string>();
        foreach (var c in definition.Cases)
        {
            var naive = roles.Cell(matrix, c.Id, roles.NaiveProfile)?.Summary;
            var optimized = roles.Cell(matrix, c.Id, roles.OptimizedProfile)?.Summary;
            if (naive?.CostPer1KSuccessfulUsd is not { } n || optimized?.CostPer1KSuccessfulUsd is not { } o || o == 0)
            {
                continue;
            }
            cuts.Add($"{Short(c.Id)} {(n >= o ? $"{n / o:0.#}× cheaper" : $"{o / n:0.#}× dearer")}");
            (optimized.Slo.Passed ? passing : missing).Add(Short(c.Id));
        }
        if (cuts.Count == 0)
        {
            return null;
        }
        var slo = (passing.Count, missing.Count) switch
        {
            (0, _) => "but no optimized run met the latency SLO",
            (_, 0) => "and every optimized run met the SLO",
            _ => $"but only the {string.Join(" and ", passing)} optimized run passed the SLO",
        };
        return $"Per 1K successful requests, {Short(roles.OptimizedProfile)} vs {Short(roles.NaiveProfile)}: {string.Join(", ", cuts)} — {slo}.";
    }

    private static Headline Card(MatrixCell cell, string label, Func<RunSummary, (string Value, string Detail, Tone Tone)> read)
    {
        if (cell.Summary is not { } summary)
        {
            return new Headline(label, "—", "No finalized run yet: run this cell to fill the card.", Tone.Neutral, cell.Case, cell.Profile, cell.Run?.Id);
        }
        var (value, detail, tone) = read(summary);
        return new Headline(label, value, detail, tone, cell.Case, cell.Profile, cell.Run?.Id);
    }

    public static string Verdict(RunSummary summary) => summary.Slo.Passed ? "pass" : "miss";

    private static string Short(string id) => ShortNames.Of(id);

    private static string Cap(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
