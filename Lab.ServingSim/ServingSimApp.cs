// Builds the HTTP server around one engine; used by Program (serve) and by tests/benchmarks (test server or Kestrel).
using Lab.ServingSim.Apis;
using Lab.ServingSim.CommandLine;
using Lab.ServingSim.Extensions;

namespace Lab.ServingSim;

public static class ServingSimApp
{
    /// <param name="options">Engine and served-model settings (from the vLLM-style flags).</param>
    /// <param name="configure">Last-minute changes, e.g. a test server or a fixed URL.</param>
    public static WebApplication Build(ServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        // Host settings come from the environment (ASPNETCORE_URLS, OTEL_*), never from the vLLM flags.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.AddServiceDefaults();
        builder.AddServingSim(options);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapCompletionsApi();
        app.MapMetricsApi();
        return app;
    }
}
