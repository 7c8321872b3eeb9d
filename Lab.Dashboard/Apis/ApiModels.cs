// Wire shapes of the dashboard's JSON API (used by its pages and by tests); ids are lowercase hex.
using Lab.Contracts.ControlPlane;
using Lab.Dashboard.Storage;
using Lab.Dashboard.Traces;

namespace Lab.Dashboard.Apis;

public sealed record SpanEventDto(DateTimeOffset Time, string Name, Dictionary<string, string> Attributes);

public sealed record SpanLinkDto(string TraceId, string SpanId, Dictionary<string, string> Attributes);

public sealed record SpanDto(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    string Kind,
    string ServiceName,
    string Resource,
    string Scope,
    DateTimeOffset Start,
    double DurationMs,
    string Status,
    string StatusMessage,
    Dictionary<string, string> Attributes,
    IReadOnlyList<SpanEventDto> Events,
    IReadOnlyList<SpanLinkDto> Links);

public sealed record TraceDetail(string TraceId, Waterfall Waterfall, IReadOnlyList<SpanDto> Spans);

public sealed record LogDto(
    long Sequence,
    DateTimeOffset Time,
    string Resource,
    string Scope,
    int SeverityNumber,
    string Severity,
    string Body,
    string EventName,
    Dictionary<string, string> Attributes,
    string TraceId,
    string SpanId);

public sealed record MetricSeriesResponse(InstrumentSummary Instrument, IReadOnlyList<MetricSeries> Series);

/// <summary>Source "apphost": its resources as it reports them; "telemetry": no AppHost, Reporting names who sends telemetry.</summary>
public sealed record ResourcesResponse(string Source, string? Error, IReadOnlyList<ResourceView> Resources, IReadOnlyList<string> Reporting);

public static class ApiMapping
{
    public static Dictionary<string, string> ToDictionary(KeyValuePair<string, string>[] pairs)
    {
        var dictionary = new Dictionary<string, string>(pairs.Length, StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            dictionary[key] = value;
        }
        return dictionary;
    }

    public static SpanDto ToDto(StoredSpan span) => new(
        span.TraceId,
        span.SpanId,
        span.ParentSpanId,
        span.Name,
        span.Kind,
        span.Resource.ServiceName,
        span.Resource.Key,
        span.Scope,
        TimeConversions.FromUnixNano(span.StartUnixNano),
        span.DurationMs,
        span.StatusCode,
        span.StatusMessage,
        ToDictionary(span.Attributes),
        span.Events.Select(e => new SpanEventDto(TimeConversions.FromUnixNano(e.TimeUnixNano), e.Name, ToDictionary(e.Attributes))).ToList(),
        span.Links.Select(l => new SpanLinkDto(l.TraceId, l.SpanId, ToDictionary(l.Attributes))).ToList());

    public static LogDto ToDto(StoredLog log) => new(
        log.Sequence,
        TimeConversions.FromUnixNano(log.TimeUnixNano),
        log.Resource.Key,
        log.Scope,
        log.SeverityNumber,
        log.SeverityText,
        log.Body,
        log.EventName,
        ToDictionary(log.Attributes),
        log.TraceId,
        log.SpanId);
}
