// Keeps each listener to its job (OTLP listeners serve only OTLP, the frontend never does) and checks the OTLP api key.
using System.Security.Cryptography;
using System.Text;
using Lab.Dashboard.Configuration;
using Microsoft.Extensions.Options;

namespace Lab.Dashboard.Access;

public sealed class EndpointGuard(RequestDelegate next, IOptions<DashboardOptions> options)
{
    public const string ApiKeyHeader = "x-otlp-api-key";
    private const string GrpcPathPrefix = "/opentelemetry.proto.collector.";

    private readonly byte[]? _apiKey = string.IsNullOrEmpty(options.Value.Otlp.ApiKey) ? null : Encoding.UTF8.GetBytes(options.Value.Otlp.ApiKey);

    public Task InvokeAsync(HttpContext context)
    {
        var role = context.Features.Get<ConnectionRoleFeature>()?.Role ?? ConnectionRole.Frontend;
        var path = context.Request.Path.Value ?? "";
        var isGrpcPath = path.StartsWith(GrpcPathPrefix, StringComparison.Ordinal);
        var isHttpOtlpPath = path is "/v1/traces" or "/v1/logs" or "/v1/metrics";

        var allowed = (isGrpcPath && role.HasFlag(ConnectionRole.OtlpGrpc))
            || (isHttpOtlpPath && role.HasFlag(ConnectionRole.OtlpHttp))
            || (!isGrpcPath && !isHttpOtlpPath && role.HasFlag(ConnectionRole.Frontend));
        if (!allowed)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        if ((isGrpcPath || isHttpOtlpPath) && !HasValidKey(context))
        {
            return isGrpcPath ? RejectGrpc(context) : RejectHttp(context);
        }
        return next(context);
    }

    private bool HasValidKey(HttpContext context)
    {
        if (_apiKey is null)
        {
            return true;
        }
        var presented = context.Request.Headers[ApiKeyHeader].ToString();
        return presented.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _apiKey);
    }

    private static Task RejectHttp(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    /// <summary>A trailers-only gRPC response with UNAUTHENTICATED (16), which gRPC clients surface as such.</summary>
    private static Task RejectGrpc(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = "16";
        context.Response.Headers["grpc-message"] = $"Missing or wrong {ApiKeyHeader} header";
        return Task.CompletedTask;
    }
}
