// Starts the real serving app on an in-memory test server (or Kestrel on a loopback port) for HTTP tests.
using Lab.ServingSim.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Lab.ServingSim.Engine.Scheduling;
using Lab.ServingSim.Serving;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;

namespace Lab.ServingSim.Tests;

internal sealed class TestServingSim : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServingSim(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }
    public RealTimeEngineLoop Loop => _app.Services.GetRequiredService<RealTimeEngineLoop>();

    public static EngineConfig DefaultEngine => new() { Hardware = EngineTests.H100Llama8B, MaxNumSeqs = 256, MaxNumBatchedTokens = 8192, MaxModelLen = 4096 };

    /// <param name="clock">The server's TimeProvider (default: the system clock).</param>
    public static async Task<TestServingSim> StartAsync(EngineConfig? engine = null, double eosMeanTokens = 0, bool kestrel = false, TimeProvider? clock = null)
    {
        var options = new ServerOptions(engine ?? DefaultEngine, "llama-3.1-8b", eosMeanTokens);
        var app = ServingSimApp.Build(options, builder =>
        {
            builder.Logging.ClearProviders();
            if (clock is not null)
            {
                builder.Services.AddSingleton(clock);
            }
            if (kestrel)
            {
                builder.WebHost.UseUrls("http://127.0.0.1:0");
            }
            else
            {
                builder.WebHost.UseTestServer();
            }
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        HttpClient client;
        if (kestrel)
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            client = new HttpClient { BaseAddress = new Uri(address) };
        }
        else
        {
            client = app.GetTestClient();
        }
        return new TestServingSim(app, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
