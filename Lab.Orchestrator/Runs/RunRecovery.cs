// On start-up, settles runs a previous orchestrator left unfinished: finalize the whole ones, fail the rest.
using Lab.Contracts.Costs;
using Lab.Orchestrator.Experiments;

namespace Lab.Orchestrator.Runs;

public sealed class RunRecovery(ICostApi costApi, RunDistribution distribution, RunRegistry registry, ExperimentPublisher publisher,
    ILogger<RunRecovery> logger) : BackgroundService
{
    private static readonly RunStatus[] Unfinished =
        [RunStatus.Pending, RunStatus.CheckingReadiness, RunStatus.WarmingUp, RunStatus.Running, RunStatus.Draining, RunStatus.Finalizing];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The orchestrator starts beside CostApi: ask about unfinished runs once CostApi is up (the catalog is in).
        await publisher.WhenPublished(stoppingToken);
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                foreach (var status in Unfinished)
                {
                    foreach (var run in await costApi.ListRunsAsync(new RunQuery(Status: status, Limit: 1000), stoppingToken))
                    {
                        if (registry.Find(run.Id) is not null)
                        {
                            continue; // started by this process after it came up
                        }
                        await SettleAsync(run, stoppingToken);
                    }
                }
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Checking for unfinished runs failed (attempt {Attempt}); CostApi may still be starting", attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, attempt)), stoppingToken);
            }
        }
    }

    /// <summary>
    /// A run whose every request already has a record is resumed to Completed (only finalizing was left). Anything
    /// else lost the process that timed its schedule, and a schedule cannot be resumed honestly: it fails, with why.
    /// </summary>
    private async Task SettleAsync(RunInfo run, CancellationToken cancellationToken)
    {
        var counters = await distribution.CountersAsync(run.Id);
        if (run.Status is RunStatus.Running or RunStatus.Draining or RunStatus.Finalizing && counters.Recorded >= run.Scheduled)
        {
            foreach (var next in new[] { RunStatus.Draining, RunStatus.Finalizing }.SkipWhile(s => s <= run.Status))
            {
                await costApi.TransitionRunAsync(run.Id, new RunTransitionRequest(next), cancellationToken);
            }
            await costApi.FinalizeRunAsync(run.Id, cancellationToken);
            await costApi.TransitionRunAsync(run.Id, new RunTransitionRequest(RunStatus.Completed, "resumed after an orchestrator restart"), cancellationToken);
            logger.LogInformation("Run {RunId} had all {Scheduled} records; finalized after restart", run.Id, run.Scheduled);
            return;
        }
        if (run.Status is RunStatus.Running or RunStatus.Draining)
        {
            // Stop the workers still sending for it; their records still land, but the run's verdict is void.
            await distribution.CancelAsync(run.Id, "orchestrator restarted");
        }
        var reason = $"orchestrator restarted while the run was {run.Status} ({counters.Recorded} of {run.Scheduled} requests recorded); a schedule cannot be resumed on time";
        await costApi.TransitionRunAsync(run.Id, new RunTransitionRequest(RunStatus.Failed, reason), cancellationToken);
        logger.LogWarning("Run {RunId} marked Failed: {Reason}", run.Id, reason);
    }
}
