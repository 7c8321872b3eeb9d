// The SLO verdict (README "SLO"): typed terms read from the all-scheduled request latency and the dropped fraction.
using System.Globalization;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;

namespace Lab.Evidence;

public static class SloEvaluation
{
    public const string P95Latency = "p95_latency";
    public const string P99Latency = "p99_latency";
    public const string DroppedFraction = "dropped_fraction";

    /// <summary>Latency terms read the all-scheduled request latency, so a run cannot pass by dropping its slow requests.</summary>
    public static SloVerdict Verdict(SloDefinition slo, Percentiles? requestLatency, int scheduled, int dropped)
    {
        var terms = new List<SloTerm>();
        if (slo.P95LatencySeconds is { } p95)
        {
            terms.Add(new SloTerm(P95Latency, p95, (requestLatency?.P95 ?? 0) / 1000, "s"));
        }
        if (slo.P99LatencySeconds is { } p99)
        {
            terms.Add(new SloTerm(P99Latency, p99, (requestLatency?.P99 ?? 0) / 1000, "s"));
        }
        if (slo.MaxDroppedFraction is { } maxDropped)
        {
            terms.Add(new SloTerm(DroppedFraction, maxDropped, scheduled > 0 ? (double)dropped / scheduled : 0, "fraction"));
        }
        var failing = terms.Where(t => t.Failing).Select(Describe).ToList();
        return new SloVerdict(failing.Count == 0, terms, failing);
    }

    /// <summary>A term in words: "p95_latency 10.91 s exceeds 2 s".</summary>
    public static string Describe(SloTerm term) => string.Create(CultureInfo.InvariantCulture,
        $"{term.Name} {term.Actual:0.####} {term.Unit} {(term.Failing ? "exceeds" : "within")} {term.Limit:0.####} {term.Unit}");

    /// <summary>A term's short name for tables: p95_latency reads "p95", dropped_fraction "dropped".</summary>
    public static string ShortName(string term) => term.Replace("_latency_s", "").Replace("_latency", "").Replace("_fraction", "");

    /// <summary>The SLO's terms in words: "p95 request latency ≤ 2 s", "p99 request latency ≤ 5 s", "dropped ≤ 1 %".</summary>
    public static IReadOnlyList<string> Describe(SloDefinition slo)
    {
        var terms = new List<string>();
        if (slo.P95LatencySeconds is { } p95)
        {
            terms.Add($"p95 request latency ≤ {Numbers.Plain(p95)} s");
        }
        if (slo.P99LatencySeconds is { } p99)
        {
            terms.Add($"p99 request latency ≤ {Numbers.Plain(p99)} s");
        }
        if (slo.MaxDroppedFraction is { } dropped)
        {
            terms.Add($"dropped ≤ {Numbers.Plain(dropped * 100)} %");
        }
        return terms;
    }
}
