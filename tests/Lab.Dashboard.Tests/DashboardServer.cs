// Starts the real dashboard in-process on free loopback ports (real Kestrel, real gRPC and HTTP listeners).
using System.Net;
using System.Net.Http.Json;
using Lab.Dashboard;
using Lab.Dashboard.Storage;
using Lab.Hosting.Native;
using Microsoft.AspNetCore.Builder;

namespace Lab.Dashboard.Tests;

public sealed class DashboardServer : IAsyncDisposable
{
    public const string ApiKey = "test-otlp-key";
    public const string BrowserToken = "test-browser-token";

    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, Uri frontend, Uri grpc, Uri http)
    {
        _app = app;
        FrontendUrl = frontend;
        GrpcUrl = grpc;
        HttpUrl = http;
    }

    public Uri FrontendUrl { get; }
    public Uri GrpcUrl { get; }
    public Uri HttpUrl { get; }

    public static async Task<DashboardServer> StartAsync(IDictionary<string, string>? settings = null)
    {
        var frontend = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var grpc = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var http = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var config = new Dictionary<string, string>
        {
            ["Dashboard:Frontend:Url"] = frontend.ToString().TrimEnd('/'),
            ["Dashboard:Otlp:GrpcUrl"] = grpc.ToString().TrimEnd('/'),
            ["Dashboard:Otlp:HttpUrl"] = http.ToString().TrimEnd('/'),
            ["Dashboard:Otlp:ApiKey"] = ApiKey,
            ["Dashboard:Frontend:BrowserToken"] = BrowserToken,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            config[key] = value;
        }
        var app = DashboardApplication.Create(config.Select(c => $"--{c.Key}={c.Value}").ToArray());
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new DashboardServer(app, frontend, grpc, http);
    }

    /// <summary>A client holding the auth cookie, obtained the way a browser gets it: /login?t=token.</summary>
    public async Task<HttpClient> CreateLoggedInClientAsync()
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        var client = new HttpClient(handler) { BaseAddress = FrontendUrl };
        var login = await client.GetAsync($"/login?t={BrowserToken}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }

    public async Task<TelemetryStats> StatsAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<TelemetryStats>("/api/telemetry/stats", TestContext.Current.CancellationToken))!;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
