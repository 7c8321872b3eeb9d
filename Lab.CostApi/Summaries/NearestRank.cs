// The lab's one percentile definition, used by summaries, time series and claims alike.
using System.Numerics;
using Lab.Contracts.Costs;

namespace Lab.CostApi.Summaries;

/// <summary>
/// Nearest-rank: the p-th percentile of n sorted values is the value at rank ⌈p/100 · n⌉ (1-based). It always
/// returns an observed value, so a reported p95 is a latency some request really had.
/// </summary>
public static class NearestRank
{
    public static T Percentile<T>(IReadOnlyList<T> sorted, double p)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

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
