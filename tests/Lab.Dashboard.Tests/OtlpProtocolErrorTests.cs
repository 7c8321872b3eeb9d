// Malformed payloads, api-key enforcement and storage limits, checked on the wire and through the stats API.
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;
using StatusCode = Grpc.Core.StatusCode;
using Grpc.Net.Client;
using Lab.Dashboard.Otlp.Proto.Collector.Trace;
using Lab.Dashboard.Otlp.Proto.Trace;
using OpenTelemetry.Exporter;
using RpcStatus = Lab.Dashboard.Otlp.Proto.Rpc.Status;

namespace Lab.Dashboard.Tests;

public sealed class OtlpProtocolErrorTests
{
    // Field 1 (resource_spans), length-delimited, claiming far more bytes than follow.
    private static readonly byte[] Truncated = [0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x01];

    private static readonly Method<byte[], byte[]> RawTraceExport = new(MethodType.Unary,
        "opentelemetry.proto.collector.trace.v1.TraceService", "Export",
        Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

    [Fact]
    public async Task Malformed_http_payload_gets_400_with_a_google_rpc_status_and_nothing_is_stored()
    {
        await using var server = await DashboardServer.StartAsync();
        using var client = await server.CreateLoggedInClientAsync();

        foreach (var signal in new[] { "traces", "logs", "metrics" })
        {
            var response = await PostAsync(server, $"/v1/{signal}", Truncated, DashboardServer.ApiKey);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
            var status = RpcStatus.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
            Assert.Equal(3, status.Code); // INVALID_ARGUMENT
            Assert.Contains("Malformed OTLP payload", status.Message);
        }

        var stats = await server.StatsAsync(client);
        Assert.Equal((0, 0, 0), (stats.Spans.Received, stats.Logs.Received, stats.MetricPoints.Received));
    }

    [Fact]
    public async Task Malformed_grpc_payload_gets_invalid_argument_and_nothing_is_stored()
    {
        await using var server = await DashboardServer.StartAsync();
        using var client = await server.CreateLoggedInClientAsync();
        using var channel = GrpcChannel.ForAddress(server.GrpcUrl);

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker()
            .AsyncUnaryCall(RawTraceExport, null, new CallOptions(new Metadata { { "x-otlp-api-key", DashboardServer.ApiKey } }), Truncated)
            .ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(0, (await server.StatsAsync(client)).Spans.Received);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Exports_without_the_right_api_key_are_refused_on_both_protocols(string? key)
    {
        await using var server = await DashboardServer.StartAsync();
        using var client = await server.CreateLoggedInClientAsync();
        var valid = Request(1).ToByteArray();

        var http = await PostAsync(server, "/v1/traces", valid, key);
        Assert.Equal(HttpStatusCode.Unauthorized, http.StatusCode);

        using var channel = GrpcChannel.ForAddress(server.GrpcUrl);
        var headers = key is null ? new Metadata() : new Metadata { { "x-otlp-api-key", key } };
        var error = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker()
            .AsyncUnaryCall(RawTraceExport, null, new CallOptions(headers), valid).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);

        // The real exporter with the wrong key gets nothing in either.
        using (var tracer = OtlpSenders.Tracer(server, OtlpExportProtocol.HttpProtobuf, "intruder", "Test.Intruder", key))
        using (var source = new System.Diagnostics.ActivitySource("Test.Intruder"))
        {
            source.StartActivity("nope")?.Dispose();
            tracer.ForceFlush();
        }
        Assert.Equal(0, (await server.StatsAsync(client)).Spans.Received);

        // And the same payload with the key goes through.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, "/v1/traces", valid, DashboardServer.ApiKey)).StatusCode);
        Assert.Equal(1, (await server.StatsAsync(client)).Spans.Stored);
    }

    [Fact]
    public async Task A_full_span_ring_evicts_the_oldest_and_counts_it()
    {
        await using var server = await DashboardServer.StartAsync(new Dictionary<string, string> { ["Dashboard:Limits:MaxSpans"] = "10" });
        using var client = await server.CreateLoggedInClientAsync();

        using (var tracer = OtlpSenders.Tracer(server, OtlpExportProtocol.Grpc, "busy", "Test.Busy"))
        using (var source = new System.Diagnostics.ActivitySource("Test.Busy"))
        {
            for (var i = 0; i < 25; i++)
            {
                source.StartActivity($"op-{i:00}")?.Dispose();
            }
            tracer.ForceFlush();
        }

        var stats = await server.StatsAsync(client);
        Assert.Equal((10, 25, 15, 0), (stats.Spans.Stored, stats.Spans.Received, stats.Spans.Evicted, stats.Spans.Rejected));
        var names = (await client.GetFromJsonAsync<List<Lab.Dashboard.Storage.TraceSummary>>("/api/traces?limit=100", TestContext.Current.CancellationToken))!
            .Select(t => t.Name).Order().ToList();
        Assert.Equal(Enumerable.Range(15, 10).Select(i => $"op-{i:00}"), names);
    }

    [Fact]
    public async Task An_export_larger_than_the_limit_reports_partial_success_and_invalid_ids_are_rejected()
    {
        await using var server = await DashboardServer.StartAsync(new Dictionary<string, string> { ["Dashboard:Limits:MaxSpans"] = "10" });
        using var client = await server.CreateLoggedInClientAsync();

        var request = Request(25);
        request.ResourceSpans[0].ScopeSpans[0].Spans.Add(new Span { TraceId = ByteString.CopyFrom(new byte[16]), SpanId = Id(8, 1), Name = "zero trace id" });
        var response = await PostAsync(server, "/v1/traces", request.ToByteArray(), DashboardServer.ApiKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(16, body.PartialSuccess.RejectedSpans);
        Assert.Contains("MaxSpans (10)", body.PartialSuccess.ErrorMessage);
        Assert.Contains("trace_id", body.PartialSuccess.ErrorMessage);
        var stats = await server.StatsAsync(client);
        Assert.Equal((10, 26, 0, 16), (stats.Spans.Stored, stats.Spans.Received, stats.Spans.Evicted, stats.Spans.Rejected));
        Assert.Equal(16, stats.Spans.Dropped);
    }

    private static ExportTraceServiceRequest Request(int spans)
    {
        var scope = new ScopeSpans();
        for (var i = 0; i < spans; i++)
        {
            scope.Spans.Add(new Span
            {
                TraceId = Id(16, i + 1),
                SpanId = Id(8, i + 1),
                Name = $"span-{i}",
                StartTimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)i,
                EndTimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)i + 1000,
            });
        }
        var resourceSpans = new ResourceSpans { Resource = new() };
        resourceSpans.ScopeSpans.Add(scope);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(resourceSpans);
        return request;
    }

    private static ByteString Id(int length, int value)
    {
        var bytes = new byte[length];
        BitConverter.GetBytes(value).CopyTo(bytes, 0);
        return ByteString.CopyFrom(bytes);
    }

    private static async Task<HttpResponseMessage> PostAsync(DashboardServer server, string path, byte[] body, string? key)
    {
        using var http = new HttpClient { BaseAddress = server.HttpUrl };
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Add("x-otlp-api-key", key);
        }
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
