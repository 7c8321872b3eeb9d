// The receiver against the real OpenTelemetry .NET OTLP exporter, over gRPC and HTTP/protobuf, read back through the API.
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using Lab.Dashboard.Apis;
using Lab.Dashboard.Storage;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;

namespace Lab.Dashboard.Tests;

public sealed class OtlpReceiverTests
{
    public static TheoryData<OtlpExportProtocol> Protocols => [OtlpExportProtocol.Grpc, OtlpExportProtocol.HttpProtobuf];

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Spans_from_several_services_come_back_as_one_parented_trace(OtlpExportProtocol protocol)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await DashboardServer.StartAsync();
        using var client = await server.CreateLoggedInClientAsync();

        var traceId = OtlpSenders.SendMultiServiceTrace(server, protocol, runId: "run-42");

        var trace = (await client.GetFromJsonAsync<TraceDetail>($"/api/traces/{traceId}", ct))!;
        Assert.Equal(3, trace.Spans.Count);
        var root = Assert.Single(trace.Spans, s => s.ParentSpanId == "");
        var consume = Assert.Single(trace.Spans, s => s.ParentSpanId == root.SpanId);
        var gpu = Assert.Single(trace.Spans, s => s.ParentSpanId == consume.SpanId);
        Assert.Equal(("gateway", "worker", "gpu"), (root.ServiceName, consume.ServiceName, gpu.ServiceName));
        Assert.Equal(("Server", "Consumer", "Server"), (root.Kind, consume.Kind, gpu.Kind));
        Assert.Equal("run-42", root.Attributes["lab.run.id"]);
        Assert.Equal("llama-3.1-8b", gpu.Attributes["gen_ai.request.model"]);
        Assert.Equal("12.5", gpu.Attributes["lab.queue.ms"]);
        Assert.Equal("Error", gpu.Status);
        Assert.Equal("preempted", gpu.StatusMessage);
        var firstToken = Assert.Single(gpu.Events);
        Assert.Equal("first_token", firstToken.Name);
        Assert.Equal("40", firstToken.Attributes["lab.ttft.ms"]);
        Assert.Equal(["gateway/gateway-1", "worker/worker-1", "gpu/gpu-1"], trace.Waterfall.Rows.Select(r => r.Service));
        Assert.Equal([0, 1, 2], trace.Waterfall.Rows.Select(r => r.Depth));

        var byRun = (await client.GetFromJsonAsync<List<TraceSummary>>("/api/traces?attr=lab.run.id=run-42", ct))!;
        Assert.Equal(traceId, Assert.Single(byRun).TraceId);
        Assert.Equal(1, byRun[0].ErrorCount);
        Assert.Empty((await client.GetFromJsonAsync<List<TraceSummary>>("/api/traces?attr=lab.run.id=other", ct))!);
        Assert.Single((await client.GetFromJsonAsync<List<TraceSummary>>("/api/traces?resource=gpu&status=error&attr=gen_ai.request.model=llama-3.1-8b", ct))!);
        Assert.Empty((await client.GetFromJsonAsync<List<TraceSummary>>("/api/traces?minDurationMs=600000", ct))!);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Log_records_keep_severity_body_attributes_and_trace_context(OtlpExportProtocol protocol)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await DashboardServer.StartAsync();
        using var client = await server.CreateLoggedInClientAsync();

        string traceId;
        using (var loggerFactory = OtlpSenders.Logger(server, protocol, "costapi"))
        using (var listener = new ActivityListener { ShouldListenTo = s => s.Name == "Test.Logs", Sample = (ref _) => ActivitySamplingResult.AllData })
        {
            ActivitySource.AddActivityListener(listener);
            using var source = new ActivitySource("Test.Logs");
            var logger = loggerFactory.CreateLogger("Lab.CostApi.Ingest");
            using var activity = source.StartActivity("ingest")!;
            traceId = activity.TraceId.ToHexString();
            logger.LogWarning("Batch {BatchId} had {Count} late records", "b-7", 3);
            logger.LogInformation("Batch stored");
        }

        var warnings = (await client.GetFromJsonAsync<List<LogDto>>("/api/logs?resource=costapi&level=warning", ct))!;
        var warning = Assert.Single(warnings);
        Assert.Equal("Batch b-7 had 3 late records", warning.Body);
        Assert.Equal(13, warning.SeverityNumber);
        Assert.Equal("b-7", warning.Attributes["BatchId"]);
        Assert.Equal("Lab.CostApi.Ingest", warning.Scope);
        Assert.Equal(traceId, warning.TraceId);
        Assert.Equal(2, (await client.GetFromJsonAsync<List<LogDto>>($"/api/logs?traceId={traceId}", ct))!.Count);
        Assert.Single((await client.GetFromJsonAsync<List<LogDto>>("/api/logs?text=stored", ct))!);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Counters_and_histograms_are_listed_per_resource_with_series(OtlpExportProtocol protocol)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await DashboardServer.StartAsync();
        using var client = await server.CreateLoggedInClientAsync();

        using (var provider = OtlpSenders.Meter(server, protocol, "servingsim", "Test.Gpu"))
        using (var meter = new Meter("Test.Gpu"))
        {
            var requests = meter.CreateCounter<long>("lab.requests", "{request}");
            var latency = meter.CreateHistogram<double>("lab.request.duration", "s");
            requests.Add(3, new KeyValuePair<string, object?>("outcome", "successful"));
            requests.Add(1, new KeyValuePair<string, object?>("outcome", "timeout"));
            foreach (var seconds in new[] { 0.1, 0.2, 0.3, 1.5 })
            {
                latency.Record(seconds);
            }
            provider.ForceFlush();
            requests.Add(2, new KeyValuePair<string, object?>("outcome", "successful"));
            latency.Record(0.4);
            provider.ForceFlush();
        }

        var instruments = (await client.GetFromJsonAsync<List<InstrumentSummary>>("/api/metrics?resource=servingsim", ct))!;
        Assert.Contains(instruments, i => i.Name == "lab.requests" && i.Unit == "{request}" && i.Kind == "Sum");
        Assert.Contains(instruments, i => i.Name == "lab.request.duration" && i.Unit == "s" && i.Kind == "Histogram");

        var counter = (await client.GetFromJsonAsync<MetricSeriesResponse>("/api/metrics/series?resource=servingsim&name=lab.requests", ct))!;
        var successful = Assert.Single(counter.Series, s => s.Attributes["outcome"] == "successful");
        // Two flushes, then the provider's final export on dispose repeats the cumulative total.
        Assert.Equal([3.0, 5.0, 5.0], successful.Points.Select(p => p.Value));

        var histogram = (await client.GetFromJsonAsync<MetricSeriesResponse>("/api/metrics/series?resource=servingsim&name=lab.request.duration", ct))!;
        var points = Assert.Single(histogram.Series).Points; // The empty interval of the final export is left out.
        Assert.Equal([4UL, 1UL], points.Select(p => p.Count!.Value));
        Assert.Equal(0.525, points[0].Value, 6);
        Assert.Equal(0.4, points[1].Value, 6); // The second interval holds only the 0.4 s request.
    }
}
