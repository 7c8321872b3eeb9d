namespace Lab.ServingSim.Engine.Simulation;

/// <summary>The lab's one percentile definition: nearest rank, the value at ceil(p/100 · n) in ascending order.</summary>
public static class NearestRank
{
    public static double Percentile(ReadOnlySpan<double> sortedAscending, double percentile)
    {
        if (sortedAscending.Length == 0)
        {
            return double.NaN;
        }
        var rank = (int)Math.Ceiling(percentile / 100.0 * sortedAscending.Length);
        return sortedAscending[Math.Clamp(rank, 1, sortedAscending.Length) - 1];
    }

    /// <summary>p50/p95/p99 of the values (sorted in place).</summary>
    public static LatencySummary Summarize(Span<double> values)
    {
        values.Sort();
        return new LatencySummary(Percentile(values, 50), Percentile(values, 95), Percentile(values, 99));
    }
}

/// <summary>p50/p95/p99 in whatever unit the values had.</summary>
public readonly record struct LatencySummary(double P50, double P95, double P99)
{
    public LatencySummary Scale(double factor) => new(P50 * factor, P95 * factor, P99 * factor);
}
