// OTLP/gRPC: binds the three collector Export methods with marshallers that answer malformed payloads with InvalidArgument.
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Lab.Dashboard.Otlp.Proto.Collector.Logs;
using Lab.Dashboard.Otlp.Proto.Collector.Metrics;
using Lab.Dashboard.Otlp.Proto.Collector.Trace;

namespace Lab.Dashboard.Otlp;

/// <summary>The service instance gRPC activates per call; it only forwards to <see cref="OtlpIngest"/>.</summary>
public sealed class OtlpGrpcReceiver(OtlpIngest ingest)
{
    public OtlpIngest Ingest { get; } = ingest;
}

public sealed class OtlpGrpcMethodProvider : IServiceMethodProvider<OtlpGrpcReceiver>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpGrpcReceiver> context)
    {
        context.AddUnaryMethod(
            ExportMethod(TraceServiceReflection.Descriptor.Services[0], ExportTraceServiceRequest.Parser, ExportTraceServiceResponse.Parser),
            [], (receiver, request, _) => Task.FromResult(receiver.Ingest.Export(request)));
        context.AddUnaryMethod(
            ExportMethod(LogsServiceReflection.Descriptor.Services[0], ExportLogsServiceRequest.Parser, ExportLogsServiceResponse.Parser),
            [], (receiver, request, _) => Task.FromResult(receiver.Ingest.Export(request)));
        context.AddUnaryMethod(
            ExportMethod(MetricsServiceReflection.Descriptor.Services[0], ExportMetricsServiceRequest.Parser, ExportMetricsServiceResponse.Parser),
            [], (receiver, request, _) => Task.FromResult(receiver.Ingest.Export(request)));
    }

    private static Method<TRequest, TResponse> ExportMethod<TRequest, TResponse>(
        Google.Protobuf.Reflection.ServiceDescriptor service, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse> =>
        new(MethodType.Unary, service.FullName, "Export", Marshaller(requestParser), Marshaller(responseParser));

    /// <summary>gRPC would report a parse failure as Unknown; OTLP asks for InvalidArgument (not retryable).</summary>
    private static Marshaller<T> Marshaller<T>(MessageParser<T> parser) where T : IMessage<T> =>
        Marshallers.Create(
            message => message.ToByteArray(),
            bytes =>
            {
                try
                {
                    return parser.ParseFrom(bytes);
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, $"Malformed OTLP payload: {e.Message}"));
                }
            });
}
