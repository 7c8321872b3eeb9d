// OTLP/HTTP with binary protobuf: POST /v1/traces, /v1/logs, /v1/metrics; errors answered with a google.rpc.Status body.
using System.IO.Compression;
using Google.Protobuf;
using Lab.Dashboard.Otlp.Proto.Collector.Logs;
using Lab.Dashboard.Otlp.Proto.Collector.Metrics;
using Lab.Dashboard.Otlp.Proto.Collector.Trace;
using RpcStatus = Lab.Dashboard.Otlp.Proto.Rpc.Status;

namespace Lab.Dashboard.Otlp;

public static class OtlpHttpReceiver
{
    public const string ProtobufContentType = "application/x-protobuf";

    // google.rpc.Code values used in error bodies.
    private const int InvalidArgument = 3;
    private const int Unimplemented = 12;

    public static IEndpointRouteBuilder MapOtlpHttpReceiver(this IEndpointRouteBuilder app)
    {
        var otlp = app.MapGroup("/v1").AllowAnonymous().DisableAntiforgery();
        otlp.MapPost("/traces", (HttpContext context, OtlpIngest ingest, CancellationToken ct) =>
            HandleAsync(context, ExportTraceServiceRequest.Parser, ingest.Export, ct));
        otlp.MapPost("/logs", (HttpContext context, OtlpIngest ingest, CancellationToken ct) =>
            HandleAsync(context, ExportLogsServiceRequest.Parser, ingest.Export, ct));
        otlp.MapPost("/metrics", (HttpContext context, OtlpIngest ingest, CancellationToken ct) =>
            HandleAsync(context, ExportMetricsServiceRequest.Parser, ingest.Export, ct));
        return app;
    }

    private static async Task<IResult> HandleAsync<TRequest, TResponse>(
        HttpContext context, MessageParser<TRequest> parser, Func<TRequest, TResponse> export, CancellationToken ct)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(mediaType, ProtobufContentType, StringComparison.OrdinalIgnoreCase))
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, Unimplemented,
                $"Content-Type '{context.Request.ContentType}' is not supported; send OTLP binary protobuf as {ProtobufContentType}.");
        }

        byte[] body;
        try
        {
            body = await ReadBodyAsync(context.Request, ct);
        }
        catch (InvalidDataException e)
        {
            return Error(StatusCodes.Status400BadRequest, InvalidArgument, $"Body could not be decompressed: {e.Message}");
        }

        TRequest request;
        try
        {
            request = parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException e)
        {
            return Error(StatusCodes.Status400BadRequest, InvalidArgument, $"Malformed OTLP payload: {e.Message}");
        }

        return new ProtobufResult(export(request).ToByteArray(), StatusCodes.Status200OK);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        await using var buffer = new MemoryStream();
        var encoding = request.Headers.ContentEncoding.ToString();
        if (string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase))
        {
            await using var gzip = new GZipStream(request.Body, CompressionMode.Decompress);
            await gzip.CopyToAsync(buffer, ct);
        }
        else
        {
            await request.Body.CopyToAsync(buffer, ct);
        }
        return buffer.ToArray();
    }

    private static IResult Error(int httpStatus, int rpcCode, string message) =>
        new ProtobufResult(new RpcStatus { Code = rpcCode, Message = message }.ToByteArray(), httpStatus);

    private sealed class ProtobufResult(byte[] body, int statusCode) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = statusCode;
            context.Response.ContentType = ProtobufContentType;
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body).AsTask();
        }
    }
}
