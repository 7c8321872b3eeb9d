// What the client hands back: spans, traces, log records and resources flattened from OTLP JSON into plain records.
namespace Lab.Dashboard.Client;

/// <summary>OTLP span kinds, numbered as on the wire (System.Diagnostics.ActivityKind is numbered one lower).</summary>
public enum SpanKind { Unspecified = 0, Internal = 1, Server = 2, Client = 3, Producer = 4, Consumer = 5 }

/// <summary>OTLP status codes, numbered as on the wire.</summary>
public enum SpanStatusCode { Unset = 0, Ok = 1, Error = 2 }

/// <summary>One span, with the resource (service.name) and instrumentation scope it was exported under.</summary>
/// <param name="ParentSpanId">Empty for a root span.</param>
/// <param name="Attributes">Every value as text: the dashboard sends attributes as strings.</param>
public sealed record DashboardSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    SpanKind Kind,
    string ServiceName,
    string ServiceInstanceId,
    string Scope,
    DateTimeOffset Start,
    DateTimeOffset End,
    SpanStatusCode Status,
    string? StatusMessage,
    IReadOnlyDictionary<string, string> Attributes)
{
    public TimeSpan Duration => End - Start;
}

/// <summary>All spans of one trace the dashboard holds, in the order it returned them.</summary>
public sealed record DashboardTrace(string TraceId, IReadOnlyList<DashboardSpan> Spans)
{
    /// <summary>Spans without a parent, or whose parent has not arrived (yet): one, once a trace is complete.</summary>
    public IReadOnlyList<DashboardSpan> Roots => Spans.Where(s => ParentOf(s) is null).ToList();

    /// <summary>True when every span's parent is in the trace and there is exactly one root.</summary>
    public bool IsComplete => Spans.Count(s => s.ParentSpanId == "") == 1 && Spans.All(s => s.ParentSpanId == "" || ParentOf(s) is not null);

    public DashboardSpan? ParentOf(DashboardSpan span) =>
        span.ParentSpanId == "" ? null : Spans.FirstOrDefault(s => s.SpanId == span.ParentSpanId);

    /// <summary>The span's parent, its parent's parent, … up to the first span whose parent is not in the trace.</summary>
    public IReadOnlyList<DashboardSpan> Ancestors(DashboardSpan span)
    {
        var chain = new List<DashboardSpan>();
        for (var parent = ParentOf(span); parent is not null && chain.Count < Spans.Count; parent = ParentOf(parent))
        {
            chain.Add(parent);
        }
        return chain;
    }
}

/// <summary>One structured log record (an ILogger entry exported over OTLP).</summary>
/// <param name="TraceId">Empty when the record was written outside any trace.</param>
public sealed record DashboardLogRecord(
    DateTimeOffset Time,
    string Severity,
    string Message,
    string ServiceName,
    string ServiceInstanceId,
    string Scope,
    string TraceId,
    string SpanId,
    IReadOnlyDictionary<string, string> Attributes);

/// <summary>A resource the dashboard has received telemetry from (GET /api/telemetry/resources).</summary>
/// <param name="Name">service.name, e.g. <c>gputwin</c>; shared by every replica of a resource.</param>
/// <param name="DisplayName">Name and instance id, e.g. <c>gputwin-tdvfqqyu</c>: what a resource filter takes when replicas share a name.</param>
public sealed record TelemetryResource(string Name, string? InstanceId, string DisplayName, bool HasLogs, bool HasTraces, bool HasMetrics);
