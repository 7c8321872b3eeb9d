// Run cost and the useful-work denominators, in decimal so cents never drift through floating point.
namespace Lab.CostApi.Summaries;

public static class CostMath
{
    private const decimal TicksPerHour = 36_000_000_000m;

    /// <summary>Run cost = price per GPU-hour × GPUs per replica × replicas × billed hours.</summary>
    public static decimal RunCost(decimal usdPerGpuHour, int gpusPerReplica, int replicas, TimeSpan billed) =>
        usdPerGpuHour * gpusPerReplica * replicas * (billed.Ticks / TicksPerHour);

    /// <summary>Cost per 1K successful requests; null when nothing succeeded (there is no useful work to divide by).</summary>
    public static decimal? PerThousandSuccessful(decimal runCost, int successful) =>
        successful > 0 ? runCost / successful * 1000m : null;

    /// <summary>Cost per 1M output tokens of successful requests; null when none were generated.</summary>
    public static decimal? PerMillionTokens(decimal runCost, long outputTokens) =>
        outputTokens > 0 ? runCost / outputTokens * 1_000_000m : null;

    /// <summary>The only rounding money gets: six decimals, at the edges where people read it.</summary>
    public static decimal Display(decimal usd) => Math.Round(usd, 6, MidpointRounding.AwayFromZero);

    public static string Format(decimal? usd) => usd is { } v ? "$" + Display(v).ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
}
