// Telemetry producers built on the real OpenTelemetry .NET SDK and OTLP exporter, pointed at a DashboardServer.
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Lab.Dashboard.Tests;

public static class OtlpSenders
{
    public static void Configure(OtlpExporterOptions options, DashboardServer server, OtlpExportProtocol protocol, string signal, string? apiKey = DashboardServer.ApiKey)
    {
        options.Protocol = protocol;
        // With an explicit endpoint the HTTP exporter posts to it as given, so the signal path is spelled out.
        options.Endpoint = protocol == OtlpExportProtocol.Grpc ? server.GrpcUrl : new Uri(server.HttpUrl, $"/v1/{signal}");
        options.Headers = apiKey is null ? null : $"x-otlp-api-key={apiKey}";
        options.ExportProcessorType = ExportProcessorType.Simple;
    }

    public static TracerProvider Tracer(DashboardServer server, OtlpExportProtocol protocol, string service, string source, string? apiKey = DashboardServer.ApiKey) =>
        Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service, serviceInstanceId: service + "-1"))
            .AddSource(source)
            .SetSampler(new AlwaysOnSampler())
            .AddOtlpExporter(o => Configure(o, server, protocol, "traces", apiKey))
            .Build();

    public static MeterProvider Meter(DashboardServer server, OtlpExportProtocol protocol, string service, string meter) =>
        Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service, serviceInstanceId: service + "-1"))
            .AddMeter(meter)
            .AddOtlpExporter((o, reader) =>
            {
                Configure(o, server, protocol, "metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000;
            })
            .Build();

    public static ILoggerFactory Logger(DashboardServer server, OtlpExportProtocol protocol, string service) =>
        LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service, serviceInstanceId: service + "-1"));
            o.IncludeFormattedMessage = true;
            o.AddOtlpExporter((exporter, processor) =>
            {
                Configure(exporter, server, protocol, "logs");
                processor.ExportProcessorType = ExportProcessorType.Simple;
            });
        }));

    /// <summary>A three-service request path: gateway (server) → worker (consumer) → gpu (server with an error event).</summary>
    public static string SendMultiServiceTrace(DashboardServer server, OtlpExportProtocol protocol, string runId)
    {
        using var gateway = Tracer(server, protocol, "gateway", "Test.Gateway");
        using var worker = Tracer(server, protocol, "worker", "Test.Worker");
        using var gpu = Tracer(server, protocol, "gpu", "Test.Gpu");
        using var gatewaySource = new ActivitySource("Test.Gateway");
        using var workerSource = new ActivitySource("Test.Worker");
        using var gpuSource = new ActivitySource("Test.Gpu");

        string traceId;
        using (var root = gatewaySource.StartActivity("POST /runs", ActivityKind.Server)!)
        {
            root.SetTag("lab.run.id", runId);
            traceId = root.TraceId.ToHexString();
            using (var consume = workerSource.StartActivity("shards process", ActivityKind.Consumer, root.Context)!)
            {
                consume.SetTag("messaging.system", "redis");
                using var request = gpuSource.StartActivity("chat llama", ActivityKind.Server, consume.Context)!;
                request.SetTag("gen_ai.request.model", "llama-3.1-8b");
                request.SetTag("lab.queue.ms", 12.5);
                request.AddEvent(new ActivityEvent("first_token", tags: new ActivityTagsCollection { ["lab.ttft.ms"] = 40 }));
                request.SetStatus(ActivityStatusCode.Error, "preempted");
            }
        }
        gateway.ForceFlush();
        worker.ForceFlush();
        gpu.ForceFlush();
        return traceId;
    }
}
