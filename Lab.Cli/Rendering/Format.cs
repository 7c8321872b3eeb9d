// How numbers read in the CLI: the shapes shared with the web (dollars, seconds, dates, short names) are Lab.Evidence's,
// with Spectre markup for colour on top.
using System.Globalization;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Lab.Evidence;
using Spectre.Console;

namespace Lab.Cli.Rendering;

public static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Usd(decimal? value, int decimals = 6) => Numbers.Usd(value, decimals);

    public static string Seconds(double? seconds) => Numbers.Seconds(seconds);

    public static string Milliseconds(double? milliseconds) => Numbers.SecondsFromMs(milliseconds);

    public static string Number(double value) => Numbers.Plain(value);

    public static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 ? span.ToString(@"h\:mm\:ss", Invariant) : span.ToString(@"mm\:ss", Invariant);

    public static string Date(DateTimeOffset? date) => date is null ? "no report yet" : Numbers.Date(date);

    /// <summary>"pass" in green, or "miss" in red with the short names of the failing terms, as markup.</summary>
    public static string SloMarkup(SloVerdict slo) => SloMarkup(slo.Passed,
        slo.Terms.Where(t => t.Failing).Select(t => SloEvaluation.ShortName(t.Name)).ToList());

    public static string SloMarkup(bool? passed, IReadOnlyList<string>? failingShortNames = null) => passed switch
    {
        true => "[green]pass[/]",
        false => "[red]miss[/]" + (failingShortNames is { Count: > 0 } ? $" [grey]({Markup.Escape(string.Join(", ", failingShortNames))})[/]" : ""),
        null => "[grey]—[/]",
    };

    /// <summary>The failing terms with their actual values against the limits: "p95 60.31 s > 2 s".</summary>
    public static string FailingTerms(SloVerdict slo) => string.Join(", ", slo.Terms.Where(t => t.Failing).Select(t =>
        $"{SloEvaluation.ShortName(t.Name)} {Number(t.Actual)} {t.Unit} > {Number(t.Limit)} {t.Unit}"));

    public static string Slo(SloDefinition slo) =>
        SloEvaluation.Describe(slo) is { Count: > 0 } terms ? string.Join(", ", terms) : "no SLO terms";

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

    /// <summary>Short labels for ids the way the seed card says them ("steady" for steady-cost-efficiency).</summary>
    public static IReadOnlyDictionary<string, string> ShortNames(IEnumerable<string> ids) => Lab.Evidence.ShortNames.For(ids);
}
