// What the dashboard keeps of each received span, log record and metric point (flattened, ids as lowercase hex).
namespace Lab.Dashboard.Storage;

/// <summary>One emitting process: service.name plus service.instance.id (one per replica).</summary>
public sealed record TelemetryResource(string ServiceName, string InstanceId, IReadOnlyList<KeyValuePair<string, string>> Attributes)
{
    /// <summary>The name shown and filtered on: the service, with the instance when there are replicas.</summary>
    public string Key => InstanceId.Length == 0 ? ServiceName : $"{ServiceName}/{InstanceId}";

    public bool Matches(string filter) =>
        string.Equals(ServiceName, filter, StringComparison.OrdinalIgnoreCase)
        || string.Equals(Key, filter, StringComparison.OrdinalIgnoreCase);
}

public sealed record SpanEvent(ulong TimeUnixNano, string Name, KeyValuePair<string, string>[] Attributes);

public sealed record SpanLink(string TraceId, string SpanId, KeyValuePair<string, string>[] Attributes);

public sealed record StoredSpan(
    TelemetryResource Resource,
    string Scope,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    string Kind,
    ulong StartUnixNano,
    ulong EndUnixNano,
    string StatusCode,
    string StatusMessage,
    KeyValuePair<string, string>[] Attributes,
    SpanEvent[] Events,
    SpanLink[] Links)
{
    public bool IsError => StatusCode == "Error";

    public double DurationMs => EndUnixNano > StartUnixNano ? (EndUnixNano - StartUnixNano) / 1e6 : 0;

    public string? Attribute(string key)
    {
        foreach (var pair in Attributes)
        {
            if (pair.Key == key)
            {
                return pair.Value;
            }
        }
        return null;
    }
}

public sealed record StoredLog(
    long Sequence,
    TelemetryResource Resource,
    string Scope,
    ulong TimeUnixNano,
    int SeverityNumber,
    string SeverityText,
    string Body,
    string EventName,
    KeyValuePair<string, string>[] Attributes,
    string TraceId,
    string SpanId);

public enum MetricKind
{
    Gauge,
    Sum,
    Histogram,
    ExponentialHistogram,
    Summary,
}

/// <summary>Identity of one instrument as reported by one resource.</summary>
public sealed record InstrumentKey(string ResourceKey, string Scope, string Name);

public sealed record InstrumentInfo(
    TelemetryResource Resource,
    string Scope,
    string Name,
    string Description,
    string Unit,
    MetricKind Kind,
    bool Cumulative,
    bool Monotonic);

public sealed record StoredMetricPoint(
    InstrumentInfo Instrument,
    ulong StartUnixNano,
    ulong TimeUnixNano,
    KeyValuePair<string, string>[] Attributes,
    double Value,
    ulong Count,
    double Sum,
    double[] Bounds,
    ulong[] BucketCounts);
