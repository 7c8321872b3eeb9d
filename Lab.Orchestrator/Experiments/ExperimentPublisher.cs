// Upserts every loaded definition into CostApi at start-up, so reports and decisions see what can be run.
using Lab.Contracts.Costs;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lab.Orchestrator.Experiments;

/// <summary>
/// The orchestrator starts beside CostApi rather than after it (on two cores the .NET start-ups overlap instead of
/// queueing), so it is not ready until this has published the catalog: the <c>catalog</c> health check below keeps
/// <c>/health</c> Unhealthy until then, and the AppHost or a Kubernetes readiness probe waits on that.
/// </summary>
public sealed class ExperimentPublisher(ExperimentCatalog catalog, ICostApi costApi, IHttpClientFactory httpClients,
    ILogger<ExperimentPublisher> logger) : BackgroundService
{
    /// <summary>A client without retries or hedging: it only asks whether CostApi answers yet.</summary>
    public const string ProbeClient = "costapi-probe";

    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);
    private readonly TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsPublished => _published.Task.IsCompletedSuccessfully;

    /// <summary>Completes once CostApi answers and holds every definition: other start-up work that needs CostApi waits here.</summary>
    public Task WhenPublished(CancellationToken cancellationToken) => _published.Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Waiting here, not in the resilient client: its retry backs off for seconds, while CostApi is usually a
        // fraction of a second from ready when the orchestrator first asks.
        await WaitForCostApiAsync(stoppingToken);
        foreach (var experiment in catalog.Experiments)
        {
            // Keep trying, with a growing pause, until CostApi takes the definition.
            for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
            {
                try
                {
                    await costApi.UpsertExperimentAsync(experiment.Id, experiment, stoppingToken);
                    logger.LogInformation("Published experiment {Experiment} to CostApi", experiment.Id);
                    break;
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Publishing experiment {Experiment} to CostApi failed (attempt {Attempt})", experiment.Id, attempt);
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, attempt)), stoppingToken);
                }
            }
        }
        _published.TrySetResult();
    }

    private async Task WaitForCostApiAsync(CancellationToken stoppingToken)
    {
        using var probe = httpClients.CreateClient(ProbeClient);
        probe.Timeout = TimeSpan.FromSeconds(2);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var response = await probe.GetAsync("/health", stoppingToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                // not listening yet
            }
            await Task.Delay(ProbeInterval, stoppingToken);
        }
    }

    /// <summary>Unhealthy until every definition is in CostApi: runs need them there (snapshots, reports, decisions).</summary>
    public sealed class CatalogHealthCheck(ExperimentPublisher publisher, ExperimentCatalog catalog) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(publisher.IsPublished
                ? HealthCheckResult.Healthy($"{catalog.Experiments.Count} experiment definition(s) published to CostApi")
                : HealthCheckResult.Unhealthy($"publishing {catalog.Experiments.Count} experiment definition(s) to CostApi; runs cannot start yet"));
    }
}
