// Turns an instrument's stored points into chartable series: one per attribute set, histograms per interval.
namespace Lab.Dashboard.Storage;

public sealed record SeriesPoint(DateTimeOffset Time, double Value, ulong? Count, double? P50, double? P95);

public sealed record MetricSeries(IReadOnlyDictionary<string, string> Attributes, string ValueLabel, IReadOnlyList<SeriesPoint> Points);

public static class MetricSeriesBuilder
{
    public static IReadOnlyList<MetricSeries> Build(IReadOnlyList<StoredMetricPoint> points)
    {
        return points
            .GroupBy(p => string.Join('\u001f', p.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value)))
            .Select(group =>
            {
                var ordered = group.OrderBy(p => p.TimeUnixNano).ToList();
                var first = ordered[0];
                var label = first.Instrument.Kind switch
                {
                    MetricKind.Histogram or MetricKind.ExponentialHistogram or MetricKind.Summary => "mean per interval",
                    _ => "value",
                };
                return new MetricSeries(
                    first.Attributes.GroupBy(a => a.Key).ToDictionary(a => a.Key, a => a.First().Value),
                    label,
                    ToPoints(ordered));
            })
            .OrderBy(s => string.Join(',', s.Attributes.Values), StringComparer.Ordinal)
            .ToList();
    }

    private static List<SeriesPoint> ToPoints(List<StoredMetricPoint> ordered)
    {
        var result = new List<SeriesPoint>(ordered.Count);
        StoredMetricPoint? previous = null;
        foreach (var point in ordered)
        {
            var time = TimeConversions.FromUnixNano(point.TimeUnixNano);
            if (point.Instrument.Kind is MetricKind.Gauge or MetricKind.Sum)
            {
                result.Add(new SeriesPoint(time, point.Value, null, null, null));
            }
            else
            {
                // Cumulative histograms carry totals since start; the interval is the difference from the previous point
                // of the same series, unless the series restarted (new start time or a smaller count).
                var interval = point.Instrument.Cumulative && previous is not null
                    && previous.StartUnixNano == point.StartUnixNano && previous.Count <= point.Count
                    && previous.BucketCounts.Length == point.BucketCounts.Length
                    ? Difference(point, previous)
                    : (point.Count, point.Sum, point.BucketCounts);
                previous = point;
                if (interval.Count == 0)
                {
                    continue; // Nothing was recorded in this interval: a gap, not a zero.
                }
                var mean = interval.Sum / interval.Count;
                result.Add(new SeriesPoint(time, mean, interval.Count,
                    Percentile(point.Bounds, interval.BucketCounts, 0.50),
                    Percentile(point.Bounds, interval.BucketCounts, 0.95)));
                continue;
            }
            previous = point;
        }
        return result;
    }

    private static (ulong Count, double Sum, ulong[] BucketCounts) Difference(StoredMetricPoint current, StoredMetricPoint previous)
    {
        var buckets = new ulong[current.BucketCounts.Length];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = current.BucketCounts[i] - Math.Min(current.BucketCounts[i], previous.BucketCounts[i]);
        }
        return (current.Count - previous.Count, current.Sum - previous.Sum, buckets);
    }

    /// <summary>Linear interpolation inside the explicit bucket holding the quantile; null without buckets or counts.</summary>
    public static double? Percentile(double[] bounds, ulong[] counts, double quantile)
    {
        if (bounds.Length == 0 || counts.Length != bounds.Length + 1)
        {
            return null;
        }
        ulong total = 0;
        foreach (var c in counts)
        {
            total += c;
        }
        if (total == 0)
        {
            return null;
        }
        var rank = quantile * total;
        double cumulative = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0 || cumulative + counts[i] < rank)
            {
                cumulative += counts[i];
                continue;
            }
            if (i == counts.Length - 1)
            {
                return bounds[^1]; // The overflow bucket has no upper bound: report its lower edge.
            }
            var lower = i == 0 ? Math.Min(0, bounds[0]) : bounds[i - 1];
            var upper = bounds[i];
            return lower + (upper - lower) * ((rank - cumulative) / counts[i]);
        }
        return bounds[^1];
    }
}
