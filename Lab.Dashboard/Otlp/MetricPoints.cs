// Flattens one OTLP Metric (gauge, sum, histogram, exponential histogram, summary) into stored points.
using Lab.Dashboard.Otlp.Proto.Metrics;
using Lab.Dashboard.Storage;

namespace Lab.Dashboard.Otlp;

public static class MetricPoints
{
    /// <summary>Appends the metric's points to <paramref name="batch"/>; returns how many points were invalid.</summary>
    public static int Append(List<StoredMetricPoint> batch, MetricStore store, TelemetryResource resource, string scope, Metric metric)
    {
        if (metric.DataCase == Metric.DataOneofCase.None)
        {
            return 1; // A metric without data is one unusable point.
        }
        var (kind, cumulative, monotonic) = metric.DataCase switch
        {
            Metric.DataOneofCase.Gauge => (MetricKind.Gauge, false, false),
            Metric.DataOneofCase.Sum => (MetricKind.Sum, metric.Sum.AggregationTemporality == AggregationTemporality.Cumulative, metric.Sum.IsMonotonic),
            Metric.DataOneofCase.Histogram => (MetricKind.Histogram, metric.Histogram.AggregationTemporality == AggregationTemporality.Cumulative, true),
            Metric.DataOneofCase.ExponentialHistogram => (MetricKind.ExponentialHistogram,
                metric.ExponentialHistogram.AggregationTemporality == AggregationTemporality.Cumulative, true),
            Metric.DataOneofCase.Summary => (MetricKind.Summary, true, true),
            _ => (MetricKind.Gauge, false, false),
        };
        var instrument = store.Intern(new InstrumentInfo(resource, scope, metric.Name, metric.Description, metric.Unit, kind, cumulative, monotonic));
        var invalid = 0;

        void Add(ulong start, ulong time, Google.Protobuf.Collections.RepeatedField<Proto.Common.KeyValue> attributes, double value,
            ulong count, double sum, double[] bounds, ulong[] buckets)
        {
            if (time == 0)
            {
                invalid++; // The spec says points without time_unix_nano SHOULD be rejected.
                return;
            }
            batch.Add(new StoredMetricPoint(instrument, start, time, OtlpValues.ToPairs(attributes), value, count, sum, bounds, buckets));
        }

        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                foreach (var p in metric.Gauge.DataPoints)
                {
                    Add(p.StartTimeUnixNano, p.TimeUnixNano, p.Attributes, Number(p), 0, 0, [], []);
                }
                break;
            case Metric.DataOneofCase.Sum:
                foreach (var p in metric.Sum.DataPoints)
                {
                    Add(p.StartTimeUnixNano, p.TimeUnixNano, p.Attributes, Number(p), 0, 0, [], []);
                }
                break;
            case Metric.DataOneofCase.Histogram:
                foreach (var p in metric.Histogram.DataPoints)
                {
                    var sum = p.HasSum ? p.Sum : 0;
                    Add(p.StartTimeUnixNano, p.TimeUnixNano, p.Attributes, p.Count == 0 ? 0 : sum / p.Count, p.Count, sum,
                        p.ExplicitBounds.ToArray(), p.BucketCounts.ToArray());
                }
                break;
            case Metric.DataOneofCase.ExponentialHistogram:
                foreach (var p in metric.ExponentialHistogram.DataPoints)
                {
                    var sum = p.HasSum ? p.Sum : 0;
                    Add(p.StartTimeUnixNano, p.TimeUnixNano, p.Attributes, p.Count == 0 ? 0 : sum / p.Count, p.Count, sum, [], []);
                }
                break;
            case Metric.DataOneofCase.Summary:
                foreach (var p in metric.Summary.DataPoints)
                {
                    Add(p.StartTimeUnixNano, p.TimeUnixNano, p.Attributes, p.Count == 0 ? 0 : p.Sum / p.Count, p.Count, p.Sum, [], []);
                }
                break;
        }
        return invalid;
    }

    private static double Number(NumberDataPoint point) =>
        point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;
}
