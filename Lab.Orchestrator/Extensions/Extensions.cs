// Wiring of the orchestrator: experiments, CostApi, Redis distribution, targets, runs and matrices.
using Lab.Contracts;
using Lab.Orchestrator.Experiments;
using Lab.Orchestrator.Runs;
using Lab.Orchestrator.Targets;

namespace Lab.Orchestrator.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddOrchestrator(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, LabJsonContext.Default));
        services.AddProblemDetails();
        services.AddSingleton(TimeProvider.System);

        var experimentsPath = ExperimentCatalog.Locate(builder.Configuration["Lab:ExperimentsPath"], builder.Environment.ContentRootPath);
        // Loaded eagerly: an invalid definition stops start-up with every error named, rather than failing later.
        services.AddSingleton(new ExperimentCatalog(experimentsPath));
        services.AddSingleton<ExperimentPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<ExperimentPublisher>());
        services.AddHealthChecks().AddCheck<ExperimentPublisher.CatalogHealthCheck>("catalog");

        builder.AddTracedRedisClient("redis");
        var costApiUrl = new Uri(builder.Configuration["Lab:CostApiUrl"] ?? LabClients.CostApiAddress);
        services.AddCostApiClient(costApiUrl, _ => builder.Configuration["Lab:ApiKey"]);
        // The readiness probe must not retry: it asks "up yet?" every 100 ms. RemoveAllResilienceHandlers is marked
        // experimental in Microsoft.Extensions.Http.Resilience 10.x; it is the documented way to opt one client out.
#pragma warning disable EXTEXP0001
        // No request logging either: refused connections every 100 ms while CostApi starts are expected, not news.
        services.AddHttpClient(ExperimentPublisher.ProbeClient, c => c.BaseAddress = costApiUrl).RemoveAllResilienceHandlers().RemoveAllLoggers();
#pragma warning restore EXTEXP0001
        services.Configure<DistributionOptions>(builder.Configuration.GetSection("Lab:Distribution"));

        // Readiness and warm-up talk to serving targets directly: no retries or hedging that would hide a failure.
        services.AddSingleton(new TargetClient(new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        }));
        services.AddSingleton<TargetResolver>();
        // In a cluster (in-cluster service account present) readiness also reads each serving Deployment; elsewhere not.
        services.AddSingleton(_ => ClusterDeploymentInspector.CreateFromEnvironment());
        services.AddSingleton<ReadinessProbe>();
        services.AddSingleton<RunRegistry>();
        services.AddSingleton<RunDistribution>();
        services.AddSingleton<RunCoordinator>();
        services.AddSingleton<RunLauncher>();
        services.AddSingleton<MatrixRunner>();
        services.AddHostedService<RunRecovery>();
        return builder;
    }
}
