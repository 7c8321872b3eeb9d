// Upserts every loaded definition into CostApi at start-up, so reports and decisions see what can be run.
using Lab.Contracts.Costs;

namespace Lab.Orchestrator.Experiments;

public sealed class ExperimentPublisher(ExperimentCatalog catalog, ICostApi costApi, ILogger<ExperimentPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var experiment in catalog.Experiments)
        {
            // CostApi may still be starting: keep trying, with a growing pause, until it takes the definition.
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
    }
}
