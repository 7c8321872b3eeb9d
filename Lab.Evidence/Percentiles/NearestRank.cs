// The lab's one percentile definition, used by CostApi's summaries, time series and claims, the twin and the planner.
using System.Numerics;
using Lab.Contracts.Costs;

namespace Lab.Evidence;

/// <summary>
/// Nearest-rank: the p-th percentile of n sorted values is the value at rank ⌈p/100 · n⌉ (1-based). It always
/// returns an observed value, so a reported p95 is a latency some request really had.
/// </summary>
public static class NearestRank
{
    public static T Percentile<T>(IReadOnlyList<T> sorted, double p)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        return sorted[Rank(sorted.Count, p) - 1];
    }

    /// <summary>The same rule over a span; NaN when there are no values (the twin's reports print it as such).</summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Rank(sorted.Length, p) - 1];

    /// <summary>The 1-based rank ⌈p/100 · n⌉, clamped to [1, n].</summary>
    public static int Rank(int count, double p) => (int)Rank((long)count, p);

    /// <summary>The same rank for counts past int (the twin's histograms of 10⁸ inter-token gaps).</summary>
    public static long Rank(long count, double p) => Math.Clamp((long)Math.Ceiling(p / 100.0 * count), 1, count);

    /// <summary>Sorts <paramref name="values"/> in place and summarises them; null when there are none.</summary>
    public static Percentiles? Summarise<T>(List<T> values) where T : INumberBase<T>
    {
        if (values.Count == 0)
        {
            return null;
        }
        values.Sort();
        double At(double p) => double.CreateChecked(Percentile(values, p));
        return new Percentiles(At(50), At(90), At(95), At(99), double.CreateChecked(values[^1]), values.Count);
    }
}
