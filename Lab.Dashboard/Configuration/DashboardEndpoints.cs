// Binds the frontend and the two OTLP listeners on their own Kestrel endpoints and tags each connection with its role.
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Lab.Dashboard.Configuration;

[Flags]
public enum ConnectionRole
{
    None = 0,
    Frontend = 1,
    OtlpGrpc = 2,
    OtlpHttp = 4,
}

/// <summary>Set on every connection by the listener it arrived on, read by <see cref="Access.EndpointGuard"/>.</summary>
public sealed record ConnectionRoleFeature(ConnectionRole Role);

public static class DashboardEndpoints
{
    public static void Configure(KestrelServerOptions kestrel, DashboardOptions options)
    {
        var frontend = Parse(options.Frontend.Url, "Dashboard:Frontend:Url");
        var grpc = Parse(options.Otlp.GrpcUrl, "Dashboard:Otlp:GrpcUrl");
        var http = Parse(options.Otlp.HttpUrl, "Dashboard:Otlp:HttpUrl");

        if (Same(grpc, frontend) || Same(grpc, http))
        {
            // Without TLS there is no ALPN, so one port cannot serve both h2c prior-knowledge and HTTP/1.1.
            throw new InvalidOperationException(
                $"Dashboard:Otlp:GrpcUrl ({options.Otlp.GrpcUrl}) must use a port of its own: OTLP/gRPC is HTTP/2 cleartext "
                + "and cannot share a listener with HTTP/1.1. Choose a different port for Dashboard:Otlp:GrpcUrl.");
        }

        var roles = new List<(Uri Uri, ConnectionRole Role)> { (grpc, ConnectionRole.OtlpGrpc) };
        if (Same(frontend, http))
        {
            roles.Add((frontend, ConnectionRole.Frontend | ConnectionRole.OtlpHttp));
        }
        else
        {
            roles.Add((frontend, ConnectionRole.Frontend));
            roles.Add((http, ConnectionRole.OtlpHttp));
        }

        foreach (var (uri, role) in roles)
        {
            // Cleartext: gRPC needs HTTP/2 with prior knowledge; browsers and OTLP/HTTP get HTTP/1.1 (Kestrel would
            // downgrade Http1AndHttp2 to HTTP/1.1 without TLS anyway, with a warning at every start).
            var protocols = role == ConnectionRole.OtlpGrpc ? HttpProtocols.Http2 : HttpProtocols.Http1;
            Listen(kestrel, uri, listen =>
            {
                listen.Protocols = protocols;
                listen.Use(next => connection =>
                {
                    connection.Features.Set(new ConnectionRoleFeature(role));
                    return next(connection);
                });
            });
        }
    }

    private static void Listen(KestrelServerOptions kestrel, Uri uri, Action<ListenOptions> configure)
    {
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(uri.Port, configure);
        }
        else if (uri.Host is "*" or "+" or "0.0.0.0" or "[::]")
        {
            kestrel.ListenAnyIP(uri.Port, configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port, configure);
        }
    }

    private static Uri Parse(string url, string key)
    {
        // "*" and "+" are not valid URI hosts; map them to a parseable placeholder that Listen understands.
        var normalized = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.IsDefaultPort && !normalized.Contains(":80", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{key} must be an http:// URL with an explicit port, e.g. http://127.0.0.1:18889 (got '{url}').");
        }
        if (uri.Host != "localhost" && uri.Host != "0.0.0.0" && !IPAddress.TryParse(uri.Host.Trim('[', ']'), out _))
        {
            throw new InvalidOperationException($"{key} must name an IP address or localhost (got '{uri.Host}').");
        }
        return uri;
    }

    private static bool Same(Uri a, Uri b) => a.Port == b.Port && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase);
}
