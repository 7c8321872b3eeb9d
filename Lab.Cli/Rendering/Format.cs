// How numbers read everywhere in the CLI: dollars to the sixth decimal like the seed card, seconds to the hundredth.
using System.Globalization;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Spectre.Console;

namespace Lab.Cli.Rendering;

public static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Usd(decimal? value, int decimals = 6) =>
        value is null ? "—" : "$" + value.Value.ToString("F" + decimals, Invariant);

    public static string Seconds(double? seconds) =>
        seconds is null ? "—" : seconds.Value.ToString("F2", Invariant) + "s";

    public static string Milliseconds(double? milliseconds) => Seconds(milliseconds / 1000);

    public static string Number(double value) => value.ToString("0.##", Invariant);

    public static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 ? span.ToString(@"h\:mm\:ss", Invariant) : span.ToString(@"mm\:ss", Invariant);

    public static string Date(DateTimeOffset? date) => date?.ToString("yyyy-MM-dd", Invariant) ?? "no report yet";

    /// <summary>"pass" in green or "miss" in red with the failing terms, as markup.</summary>
    public static string SloMarkup(SloVerdict slo) => SloMarkup(slo.Passed, slo.FailingTerms);

    public static string SloMarkup(bool? passed, IReadOnlyList<string>? failing = null) => passed switch
    {
        true => "[green]pass[/]",
        false => "[red]miss[/]" + (failing is { Count: > 0 } ? $" [grey]({Markup.Escape(string.Join(", ", failing.Select(Term)))})[/]" : ""),
        null => "[grey]—[/]",
    };

    /// <summary>The failing terms with their actual values against the limits: "p95 60.31 s > 2 s".</summary>
    public static string FailingTerms(SloVerdict slo) => string.Join(", ", slo.FailingTerms.Select(name =>
        slo.Terms.FirstOrDefault(t => t.Name == name) is { } t
            ? $"{Term(t.Name)} {Number(t.Actual)} {t.Unit} > {Number(t.Limit)} {t.Unit}".Replace("  ", " ")
            : Term(name)));

    /// <summary>An SLO term's short name for tables: p95_latency_s reads "p95", dropped_fraction "dropped".</summary>
    public static string Term(string name) => name.Replace("_latency_s", "").Replace("_latency", "").Replace("_fraction", "");

    public static string Slo(SloDefinition slo)
    {
        var terms = new List<string>();
        if (slo.P95LatencySeconds is { } p95)
        {
            terms.Add($"p95 request latency ≤ {Number(p95)} s");
        }
        if (slo.P99LatencySeconds is { } p99)
        {
            terms.Add($"p99 ≤ {Number(p99)} s");
        }
        if (slo.MaxDroppedFraction is { } dropped)
        {
            terms.Add($"dropped ≤ {Number(dropped * 100)} %");
        }
        return terms.Count == 0 ? "no SLO terms" : string.Join(", ", terms);
    }

    public static string Arrival(ArrivalDefinition arrival)
    {
        var text = $"{arrival.Kind} {Number(arrival.Rate)} req/s";
        if (arrival.Burstiness is { } burstiness)
        {
            text += $", burstiness {Number(burstiness)}";
        }
        if (arrival.Bursts is { } bursts)
        {
            text += $", +{Number(bursts.SpikeRate)} req/s for {Number(bursts.SpikeSeconds)} s every {Number(bursts.PeriodSeconds)} s";
        }
        return text;
    }

    public static string StatusMarkup(RunStatus status) => status switch
    {
        RunStatus.Completed => "[green]Completed[/]",
        RunStatus.Failed => "[red]Failed[/]",
        RunStatus.Cancelled => "[yellow]Cancelled[/]",
        _ => $"[blue]{status}[/]",
    };

    public static string DecisionMarkup(DecisionStatus status) => status switch
    {
        DecisionStatus.Supported => "[green]Supported[/]",
        DecisionStatus.Contradicted => "[red]Contradicted[/]",
        _ => "[yellow]Pending[/]",
    };

    /// <summary>
    /// Short labels for ids the way the seed card says them ("steady" for steady-cost-efficiency), falling back
    /// to the full id when two would read the same.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ShortNames(IEnumerable<string> ids)
    {
        var list = ids.Distinct().ToList();
        var firsts = list.ToDictionary(id => id, id => id.Split('-', 2)[0]);
        var unique = firsts.Values.GroupBy(v => v).All(g => g.Count() == 1);
        return list.ToDictionary(id => id, id => unique ? firsts[id] : id);
    }
}
