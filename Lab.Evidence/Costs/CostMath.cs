// Run cost and the useful-work denominators, in decimal so cents never drift through floating point.
using Lab.Contracts.Costs;

namespace Lab.Evidence;

public static class CostMath
{
    private const decimal TicksPerHour = 36_000_000_000m;

    /// <summary>
    /// Billed duration: from t0 (the first request's planned send; the earliest planned send when no t0 was given) to the
    /// latest end of any request (last token for a success, give-up time for a drop). Zero for no requests.
    /// </summary>
    public static TimeSpan BilledDuration(DateTimeOffset? t0, IEnumerable<RequestRecord> records)
    {
        DateTimeOffset? start = t0, end = null;
        foreach (var record in records)
        {
            if (t0 is null && (start is null || record.PlannedSend < start))
            {
                start = record.PlannedSend;
            }
            var finished = RequestTiming.FinishedAt(record);
            if (end is null || finished > end)
            {
                end = finished;
            }
        }
        return start is { } s && end is { } e && e > s ? e - s : TimeSpan.Zero;
    }

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

    /// <summary>Dollars as people read them: six decimals like the seed card ($0.019752); <paramref name="none"/> for no value.</summary>
    public static string Format(decimal? usd, string none = "n/a") =>
        usd is null ? none : Numbers.Usd(usd);
}
