// Plain-sentence findings from the selected runs, in the seed card's voice. Pure: same cells, same sentences.
using System.Globalization;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Lab.CostApi.Summaries;
using Lab.Evidence;

namespace Lab.CostApi.Matrix;

public static class Findings
{
    public static IReadOnlyList<string> Write(ExperimentDefinition definition, IReadOnlyList<MatrixCell> cells)
    {
        var findings = new List<string>();
        foreach (var cell in cells)
        {
            var name = $"{ShortNames.Of(cell.Case)} {ShortNames.Of(cell.Profile)}";
            if (cell.Summary is not { } s)
            {
                findings.Add($"The {name} cell has no finalized run yet, so it supplies no evidence.");
                continue;
            }
            var dropped = s.Dropped == 0 ? "no dropped work" : $"{s.Dropped} dropped";
            findings.Add($"The {name} profile completed {s.Successful} successful requests with {dropped} and p95 {Seconds(s)}.");
        }

        foreach (var caseDefinition in definition.Cases)
        {
            var priced = cells.Where(c => c.Case == caseDefinition.Id && c.Summary?.CostPer1KSuccessfulUsd is not null).ToList();
            if (priced.Count < 2)
            {
                continue;
            }
            var cheapest = priced.MinBy(c => c.Summary!.CostPer1KSuccessfulUsd)!;
            var s = cheapest.Summary!;
            var name = $"{ShortNames.Of(cheapest.Case)} {ShortNames.Of(cheapest.Profile)}";
            var cost = CostMath.Format(s.CostPer1KSuccessfulUsd);
            if (s.Slo.Passed)
                findings.Add($"The {name} profile was cheapest per useful request at {cost} per 1K and met the SLO.");
            else if (s.Slo.Terms.Any(t => t.Name.Contains("latency", StringComparison.Ordinal) && t.Actual > t.Limit))
                findings.Add($"The {name} profile was cheapest per useful request but still missed latency with p95 {Seconds(s)}.");
            else
                findings.Add($"The {name} profile was cheapest per useful request but still missed the SLO ({string.Join("; ", s.Slo.FailingTerms)}).");
        }
        return findings;
    }

    /// <summary>"steady-cost-efficiency" reads as "steady", "optimized-batched" as "optimized", as the seed card does.</summary>

    public static string Seconds(RunSummary s) =>
        s.RequestLatency is { } l ? (l.P95 / 1000).ToString("0.00", CultureInfo.InvariantCulture) + "s" : "n/a";
}
