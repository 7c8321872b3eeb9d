// Validates and converts OTLP export requests into stored telemetry; the same path serves gRPC and HTTP.
using Lab.Dashboard.Otlp.Proto.Collector.Logs;
using Lab.Dashboard.Otlp.Proto.Collector.Metrics;
using Lab.Dashboard.Otlp.Proto.Collector.Trace;
using Lab.Dashboard.Otlp.Proto.Metrics;
using Lab.Dashboard.Otlp.Proto.Trace;
using Lab.Dashboard.Storage;

namespace Lab.Dashboard.Otlp;

public sealed class OtlpIngest(TelemetryStore store)
{
    public ExportTraceServiceResponse Export(ExportTraceServiceRequest request)
    {
        var batch = new List<StoredSpan>();
        long invalid = 0;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resource = store.Resources.Intern(resourceSpans.Resource);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = scopeSpans.Scope?.Name ?? "";
                foreach (var span in scopeSpans.Spans)
                {
                    if (!OtlpValues.IsValidId(span.TraceId, 16) || !OtlpValues.IsValidId(span.SpanId, 8))
                    {
                        invalid++;
                        continue;
                    }
                    batch.Add(ToStored(resource, scope, span));
                }
            }
        }
        store.Spans.Counters.AddRejected(invalid);
        store.Spans.Counters.AddReceived(invalid);
        var overflow = store.Spans.Add(batch);
        var response = new ExportTraceServiceResponse();
        if (invalid + overflow > 0)
        {
            response.PartialSuccess = new ExportTracePartialSuccess
            {
                RejectedSpans = invalid + overflow,
                ErrorMessage = Explain(invalid, "spans had a trace_id that is not 16 bytes or a span_id that is not 8 bytes (or all zeroes)",
                    overflow, $"spans exceeded Dashboard:Limits:MaxSpans ({store.Spans.Stats().Capacity}) in a single export"),
            };
        }
        return response;
    }

    public ExportLogsServiceResponse Export(ExportLogsServiceRequest request)
    {
        var batch = new List<Func<long, StoredLog>>();
        long invalid = 0;
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var resource = store.Resources.Intern(resourceLogs.Resource);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var scope = scopeLogs.Scope?.Name ?? "";
                foreach (var record in scopeLogs.LogRecords)
                {
                    // Trace context is optional on a log record, but when present it must be well formed.
                    if ((record.TraceId.Length > 0 && record.TraceId.Length != 16) || (record.SpanId.Length > 0 && record.SpanId.Length != 8))
                    {
                        invalid++;
                        continue;
                    }
                    var time = record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano;
                    var body = OtlpValues.ToText(record.Body);
                    var attributes = OtlpValues.ToPairs(record.Attributes);
                    var traceId = OtlpValues.ToHex(record.TraceId);
                    var spanId = OtlpValues.ToHex(record.SpanId);
                    var severity = (int)record.SeverityNumber;
                    var severityText = record.SeverityText.Length > 0 ? record.SeverityText : SeverityName(severity);
                    var eventName = record.EventName;
                    batch.Add(sequence => new StoredLog(sequence, resource, scope, time, severity, severityText, body, eventName,
                        attributes, traceId, spanId));
                }
            }
        }
        store.Logs.Counters.AddRejected(invalid);
        store.Logs.Counters.AddReceived(invalid);
        var overflow = store.Logs.Add(batch);
        var response = new ExportLogsServiceResponse();
        if (invalid + overflow > 0)
        {
            response.PartialSuccess = new ExportLogsPartialSuccess
            {
                RejectedLogRecords = invalid + overflow,
                ErrorMessage = Explain(invalid, "log records had a trace_id that is not 16 bytes or a span_id that is not 8 bytes",
                    overflow, $"log records exceeded Dashboard:Limits:MaxLogRecords ({store.Logs.Stats().Capacity}) in a single export"),
            };
        }
        return response;
    }

    public ExportMetricsServiceResponse Export(ExportMetricsServiceRequest request)
    {
        var batch = new List<StoredMetricPoint>();
        long invalid = 0;
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var resource = store.Resources.Intern(resourceMetrics.Resource);
            foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
            {
                var scope = scopeMetrics.Scope?.Name ?? "";
                foreach (var metric in scopeMetrics.Metrics)
                {
                    invalid += MetricPoints.Append(batch, store.Metrics, resource, scope, metric);
                }
            }
        }
        store.Metrics.Counters.AddRejected(invalid);
        store.Metrics.Counters.AddReceived(invalid);
        var overflow = store.Metrics.Add(batch);
        var response = new ExportMetricsServiceResponse();
        if (invalid + overflow > 0)
        {
            response.PartialSuccess = new ExportMetricsPartialSuccess
            {
                RejectedDataPoints = invalid + overflow,
                ErrorMessage = Explain(invalid, "data points had no time_unix_nano or no data",
                    overflow, $"data points exceeded Dashboard:Limits:MaxMetricPoints ({store.Metrics.Stats().Capacity}) in a single export"),
            };
        }
        return response;
    }

    private static StoredSpan ToStored(TelemetryResource resource, string scope, Span span) => new(
        resource,
        scope,
        OtlpValues.ToHex(span.TraceId),
        OtlpValues.ToHex(span.SpanId),
        OtlpValues.ToHex(span.ParentSpanId),
        span.Name,
        span.Kind switch
        {
            Span.Types.SpanKind.Server => "Server",
            Span.Types.SpanKind.Client => "Client",
            Span.Types.SpanKind.Producer => "Producer",
            Span.Types.SpanKind.Consumer => "Consumer",
            Span.Types.SpanKind.Internal => "Internal",
            _ => "Unspecified",
        },
        span.StartTimeUnixNano,
        span.EndTimeUnixNano,
        span.Status?.Code switch
        {
            Status.Types.StatusCode.Error => "Error",
            Status.Types.StatusCode.Ok => "Ok",
            _ => "Unset",
        },
        span.Status?.Message ?? "",
        OtlpValues.ToPairs(span.Attributes),
        span.Events.Count == 0 ? [] : span.Events.Select(e => new SpanEvent(e.TimeUnixNano, e.Name, OtlpValues.ToPairs(e.Attributes))).ToArray(),
        span.Links.Count == 0 ? [] : span.Links.Select(l => new SpanLink(OtlpValues.ToHex(l.TraceId), OtlpValues.ToHex(l.SpanId), OtlpValues.ToPairs(l.Attributes))).ToArray());

    public static string SeverityName(int severityNumber) => severityNumber switch
    {
        >= 21 => "Critical",
        >= 17 => "Error",
        >= 13 => "Warning",
        >= 9 => "Information",
        >= 5 => "Debug",
        >= 1 => "Trace",
        _ => "Unspecified",
    };

    private static string Explain(long invalid, string invalidText, long overflow, string overflowText) =>
        string.Join("; ", new[] { invalid > 0 ? $"{invalid} {invalidText}" : null, overflow > 0 ? $"{overflow} {overflowText}" : null }
            .Where(s => s is not null));
}
