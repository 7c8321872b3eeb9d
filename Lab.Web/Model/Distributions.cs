// The numbers behind the run page's plots, computed here so the browser receives a few hundred points, not every record.
using Lab.Contracts.Costs;
using Lab.Evidence;

namespace Lab.Web.Model;

/// <summary>A curve of (x, y) points ready for a line or bar trace.</summary>
public sealed record Series(IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    public static Series Empty { get; } = new([], []);

    public int Count => X.Count;
}

public static class Distributions
{
    /// <summary>
    /// Empirical CDF: x sorted ascending, y = fraction of values ≤ x. Thinned to at most maxPoints by keeping evenly
    /// spaced ranks plus the last one, so the tail (p99, max) is always drawn.
    /// </summary>
    public static Series Cdf(IEnumerable<double> values, int maxPoints = 200)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return Series.Empty;
        }
        var step = Math.Max(1, (int)Math.Ceiling(sorted.Length / (double)maxPoints));
        var x = new List<double>();
        var y = new List<double>();
        for (var i = step - 1; i < sorted.Length; i += step)
        {
            x.Add(sorted[i]);
            y.Add((i + 1) / (double)sorted.Length);
        }
        if (x[^1] != sorted[^1] || y[^1] != 1)
        {
            x.Add(sorted[^1]);
            y.Add(1);
        }
        return new Series(x, y);
    }

    /// <summary>Equal-width histogram: x = bin centres, y = counts. One bin when every value is the same.</summary>
    public static Series Histogram(IEnumerable<double> values, int bins = 30)
    {
        var data = values.Where(double.IsFinite).ToArray();
        if (data.Length == 0)
        {
            return Series.Empty;
        }
        var (min, max) = (data.Min(), data.Max());
        if (max == min)
        {
            return new Series([min], [data.Length]);
        }
        var width = (max - min) / bins;
        var counts = new double[bins];
        foreach (var v in data)
        {
            counts[Math.Min(bins - 1, (int)((v - min) / width))]++;
        }
        return new Series(Enumerable.Range(0, bins).Select(i => min + (i + 0.5) * width).ToArray(), counts);
    }

    /// <summary>Latency CDFs in seconds: successful requests at their e2e, and every scheduled request (dropped ones included).</summary>
    public static (Series Successful, Series AllScheduled) LatencyCdfs(IReadOnlyList<RequestRecord> records) => (
        Cdf(records.Where(r => r.Outcome == RequestOutcome.Success).Select(r => RequestTiming.LatencyMs(r) / 1000)),
        Cdf(records.Select(r => RequestTiming.LatencyMs(r) / 1000)));

    public static Series TtftHistogram(IReadOnlyList<RequestRecord> records) =>
        Histogram(records.Where(r => r.Outcome == RequestOutcome.Success && r.TtftMs is not null).Select(r => r.TtftMs!.Value));

    public static Series TpotHistogram(IReadOnlyList<RequestRecord> records) =>
        Histogram(records.Where(r => r.Outcome == RequestOutcome.Success && r.TpotMs is not null).Select(r => r.TpotMs!.Value));
}
