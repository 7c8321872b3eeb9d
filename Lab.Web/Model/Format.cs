// How the web writes numbers for people; the shapes shared with the CLI (dollars, seconds, dates) are Lab.Evidence's Numbers.
using System.Globalization;
using Lab.Evidence;

namespace Lab.Web.Model;

public static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Usd(decimal? value, int decimals = 6) => Numbers.Usd(value, decimals);

    public static string UsdPerHour(decimal value) => "$" + value.ToString("0.00##", Invariant) + "/h";

    /// <summary>Latency in seconds from milliseconds, two decimals as on the card (1.61s, 120.00s).</summary>
    public static string Seconds(double? milliseconds) => Numbers.SecondsFromMs(milliseconds);

    public static string Ms(double? milliseconds) => milliseconds switch
    {
        null => Numbers.None,
        < 10 => milliseconds.Value.ToString("0.0", Invariant) + " ms",
        _ => milliseconds.Value.ToString("N0", Invariant) + " ms",
    };

    public static string Count(long value) => value.ToString("N0", Invariant);

    public static string Percent(double fraction) => (fraction * 100).ToString("0.#", Invariant) + " %";

    public static string Number(double value) => Numbers.Plain(value);

    public static string Duration(double seconds) => seconds < 90
        ? seconds.ToString("0", Invariant) + " s"
        : TimeSpan.FromSeconds(seconds).ToString(seconds >= 3600 ? @"h\:mm\:ss" : @"m\:ss", Invariant);

    public static string Date(DateTimeOffset? value) => Numbers.Date(value);

    public static string DateTime(DateTimeOffset? value) => value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Invariant) + " UTC" : "—";

    /// <summary>An SLO term limit or actual in its own unit: seconds for latency terms, percent for fractions.</summary>
    public static string SloValue(double value, string unit) => unit switch
    {
        "s" => value.ToString("0.00", Invariant) + " s",
        "fraction" => Percent(value),
        "%" => value.ToString("0.##", Invariant) + " %",
        _ => value.ToString("0.###", Invariant) + (string.IsNullOrEmpty(unit) ? "" : " " + unit),
    };

    /// <summary>Id-like names read better with spaces: "steady-cost-efficiency" → "steady cost efficiency".</summary>
    public static string Humanize(string id) => id.Replace('-', ' ').Replace('_', ' ');
}
