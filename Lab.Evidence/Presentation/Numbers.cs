// How the lab writes numbers for people (README "Presentation"), the same in the CLI, the web and CostApi's texts:
// dollars to the sixth decimal like the seed card, latency in seconds to the hundredth, dates as yyyy-MM-dd (UTC).
using System.Globalization;

namespace Lab.Evidence;

public static class Numbers
{
    public const string None = "—";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Costs per 1K are small; six decimals keep the seed card's precision ($0.019752).</summary>
    public static string Usd(decimal? value, int decimals = 6) =>
        value is { } v ? "$" + Math.Round(v, decimals, MidpointRounding.AwayFromZero).ToString("F" + decimals, Invariant) : None;

    /// <summary>Seconds to the hundredth as on the card (1.61s, 120.00s).</summary>
    public static string Seconds(double? seconds) => seconds is { } s ? s.ToString("F2", Invariant) + "s" : None;

    public static string SecondsFromMs(double? milliseconds) => Seconds(milliseconds / 1000);

    /// <summary>A plain number with at most two decimals: 0.25, 22, 1.5.</summary>
    public static string Plain(double value) => value.ToString("0.##", Invariant);

    public static string Date(DateTimeOffset? value) => value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd", Invariant) : None;
}
