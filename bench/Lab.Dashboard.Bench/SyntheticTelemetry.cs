// Request-shaped OTLP payloads: 10 spans per scheduled request across five services, logs and metric points.
using Google.Protobuf;
using Lab.Dashboard.Otlp.Proto.Collector.Logs;
using Lab.Dashboard.Otlp.Proto.Collector.Metrics;
using Lab.Dashboard.Otlp.Proto.Collector.Trace;
using Lab.Dashboard.Otlp.Proto.Common;
using Lab.Dashboard.Otlp.Proto.Logs;
using Lab.Dashboard.Otlp.Proto.Metrics;
using Lab.Dashboard.Otlp.Proto.Resource;
using Lab.Dashboard.Otlp.Proto.Trace;

namespace Lab.Dashboard.Bench;

public static class SyntheticTelemetry
{
    private static readonly string[] Services = ["orchestrator", "redis", "loadworker", "servingsim", "costapi"];

    private static readonly (int Service, string Name, Span.Types.SpanKind Kind, int Parent)[] Path =
    [
        (0, "dispatch shard", Span.Types.SpanKind.Internal, -1),
        (0, "XADD lab:shards", Span.Types.SpanKind.Producer, 0),
        (2, "XREADGROUP lab:shards", Span.Types.SpanKind.Consumer, 1),
        (2, "request", Span.Types.SpanKind.Internal, 2),
        (2, "chat llama-3.1-8b", Span.Types.SpanKind.Client, 3),
        (3, "POST /v1/chat/completions", Span.Types.SpanKind.Server, 4),
        (3, "engine.queue", Span.Types.SpanKind.Internal, 5),
        (3, "engine.prefill", Span.Types.SpanKind.Internal, 5),
        (3, "engine.decode", Span.Types.SpanKind.Internal, 5),
        (4, "POST /api/records", Span.Types.SpanKind.Server, 3),
    ];

    /// <summary>One export holding <paramref name="requests"/> request traces (10 spans each), grouped per service.</summary>
    public static byte[] Traces(long firstRequest, int requests)
    {
        var scopes = Services.Select(_ => new ScopeSpans { Scope = new InstrumentationScope { Name = "Lab.Bench" } }).ToArray();
        var start = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000UL;
        for (var r = 0; r < requests; r++)
        {
            var request = firstRequest + r;
            var traceId = Id(16, request, 0);
            var spanIds = new ByteString[Path.Length];
            for (var i = 0; i < Path.Length; i++)
            {
                var (service, name, kind, parent) = Path[i];
                spanIds[i] = Id(8, request, i + 1);
                var span = new Span
                {
                    TraceId = traceId,
                    SpanId = spanIds[i],
                    ParentSpanId = parent < 0 ? ByteString.Empty : spanIds[parent],
                    Name = name,
                    Kind = kind,
                    StartTimeUnixNano = start + (ulong)i * 1_000_000UL,
                    EndTimeUnixNano = start + (ulong)(i + 5) * 1_000_000UL,
                };
                span.Attributes.Add(Attr("lab.run.id", "run-" + (request / 5000)));
                span.Attributes.Add(Attr("lab.request.index", (request % 5000).ToString()));
                span.Attributes.Add(Attr("gen_ai.request.model", "llama-3.1-8b"));
                span.Attributes.Add(Attr("gen_ai.usage.input_tokens", "512"));
                span.Attributes.Add(Attr("gen_ai.usage.output_tokens", "128"));
                span.Attributes.Add(Attr("server.address", "127.0.0.1"));
                span.Attributes.Add(Attr("lab.queue.ms", "12.5"));
                span.Attributes.Add(Attr("lab.prefill.ms", "31.2"));
                scopes[service].Spans.Add(span);
            }
        }
        var export = new ExportTraceServiceRequest();
        for (var s = 0; s < Services.Length; s++)
        {
            var resourceSpans = new ResourceSpans { Resource = Resource(s) };
            resourceSpans.ScopeSpans.Add(scopes[s]);
            export.ResourceSpans.Add(resourceSpans);
        }
        return export.ToByteArray();
    }

    public static byte[] Logs(long first, int count)
    {
        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "Lab.LoadWorker.Requests" } };
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000UL;
        for (var i = 0; i < count; i++)
        {
            var record = new LogRecord
            {
                TimeUnixNano = now + (ulong)i,
                SeverityNumber = SeverityNumber.Info,
                SeverityText = "Information",
                Body = new AnyValue { StringValue = $"Request {first + i} finished: successful, ttft 41.2 ms, e2e 1.31 s" },
                TraceId = Id(16, first + i, 0),
                SpanId = Id(8, first + i, 1),
            };
            record.Attributes.Add(Attr("lab.run.id", "run-1"));
            record.Attributes.Add(Attr("outcome", "successful"));
            scope.LogRecords.Add(record);
        }
        var resourceLogs = new ResourceLogs { Resource = Resource(2) };
        resourceLogs.ScopeLogs.Add(scope);
        var export = new ExportLogsServiceRequest();
        export.ResourceLogs.Add(resourceLogs);
        return export.ToByteArray();
    }

    /// <summary>Points of a cumulative histogram and a counter, <paramref name="count"/> points in all.</summary>
    public static byte[] Metrics(long first, int count)
    {
        var histogram = new Metric { Name = "lab.request.duration", Unit = "s", Histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative } };
        var counter = new Metric { Name = "lab.requests", Unit = "{request}", Sum = new Sum { AggregationTemporality = AggregationTemporality.Cumulative, IsMonotonic = true } };
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000UL;
        for (var i = 0; i < count; i++)
        {
            var time = now + (ulong)(first + i) * 1_000_000UL;
            if (i % 2 == 0)
            {
                var point = new HistogramDataPoint { StartTimeUnixNano = now, TimeUnixNano = time, Count = (ulong)(first + i), Sum = (first + i) * 0.8 };
                point.ExplicitBounds.Add([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);
                point.BucketCounts.Add(Enumerable.Repeat((ulong)(first + i) / 15, 15));
                point.Attributes.Add(Attr("outcome", "successful"));
                histogram.Histogram.DataPoints.Add(point);
            }
            else
            {
                var point = new NumberDataPoint { StartTimeUnixNano = now, TimeUnixNano = time, AsInt = first + i };
                point.Attributes.Add(Attr("outcome", "successful"));
                counter.Sum.DataPoints.Add(point);
            }
        }
        var scope = new ScopeMetrics { Scope = new InstrumentationScope { Name = "Lab.LoadWorker" } };
        scope.Metrics.Add(histogram);
        scope.Metrics.Add(counter);
        var resourceMetrics = new ResourceMetrics { Resource = Resource(2) };
        resourceMetrics.ScopeMetrics.Add(scope);
        var export = new ExportMetricsServiceRequest();
        export.ResourceMetrics.Add(resourceMetrics);
        return export.ToByteArray();
    }

    private static Resource Resource(int service)
    {
        var resource = new Resource();
        resource.Attributes.Add(Attr("service.name", Services[service]));
        resource.Attributes.Add(Attr("service.instance.id", Services[service] + "-0"));
        resource.Attributes.Add(Attr("telemetry.sdk.language", "dotnet"));
        return resource;
    }

    private static KeyValue Attr(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static ByteString Id(int length, long request, int salt)
    {
        var bytes = new byte[length];
        BitConverter.GetBytes(request + 1).CopyTo(bytes, 0);
        bytes[length - 1] = (byte)(salt + 1);
        return ByteString.CopyFrom(bytes);
    }
}
