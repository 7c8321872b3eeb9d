// Wiring of the serving twin: the engine loop as a hosted singleton, its health, metrics and the OpenAI handlers.
using Lab.ServingSim.CommandLine;
using Lab.ServingSim.Serving;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace Lab.ServingSim.Extensions;

internal static class Extensions
{
    public static WebApplicationBuilder AddServingSim(this WebApplicationBuilder builder, ServerOptions options)
    {
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.Engine);
        builder.Services.TryAddTimeProvider();
        // Per app, never prometheus-net's static default: twins in one test process keep their own counts.
        builder.Services.AddSingleton(_ => Metrics.NewCustomRegistry());
        builder.Services.AddSingleton(sp => new ServerMetrics(sp.GetRequiredService<CollectorRegistry>(), options.ServedModelName));
        builder.Services.AddSingleton<RealTimeEngineLoop>();
        builder.Services.AddSingleton<InferenceService>();
        builder.Services.AddHostedService<EngineLoopHost>();
        builder.Services.AddHealthChecks().AddCheck<EngineHealthCheck>("engine");
        return builder;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(s => s.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    /// <summary>Starts the engine thread with the host and stops it with the host.</summary>
    private sealed class EngineLoopHost(RealTimeEngineLoop loop) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            loop.Start();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            loop.Dispose();
            return Task.CompletedTask;
        }
    }

    /// <summary>/health is healthy only while the engine thread is stepping (vLLM's /health checks the engine core).</summary>
    private sealed class EngineHealthCheck(RealTimeEngineLoop loop) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(loop.IsRunning
                ? HealthCheckResult.Healthy("engine loop running")
                : HealthCheckResult.Unhealthy(loop.Fault is null ? "engine loop not running" : "engine loop failed: " + loop.Fault.Message, loop.Fault));
    }
}
