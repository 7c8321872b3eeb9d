// Drives one run through its lifecycle, persisting each step in CostApi:
// Pending → CheckingReadiness → WarmingUp → Running → Draining → Finalizing → Completed | Failed | Cancelled.
using System.Diagnostics;
using Lab.Contracts.Costs;
using Lab.Contracts.Distribution;
using Lab.Experiments.Prompts;
using Lab.Orchestrator.Targets;
using Microsoft.Extensions.Options;

namespace Lab.Orchestrator.Runs;

public sealed class RunCoordinator(
    ICostApi costApi, RunDistribution distribution, ReadinessProbe readiness, RunRegistry registry,
    IOptions<DistributionOptions> options, TimeProvider time, ILogger<RunCoordinator> logger)
{
    private const int WarmupRequests = 2;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private readonly DistributionOptions _options = options.Value;

    /// <summary>Runs in the background; never throws (every failure ends as Failed with its reason).</summary>
    public async Task DriveAsync(RunHandle run, CancellationToken stopping)
    {
        // The run outlives the request that started it, so it is a trace of its own, linked to that request; every
        // shard, worker request and GPU server span of the run hangs under this span.
        var startedBy = Activity.Current?.Context;
        Activity.Current = null;
        using var span = OrchestratorTelemetry.Source.StartActivity($"run {run.Experiment.Id}/{run.Case.Id}/{run.Profile.Id}", ActivityKind.Internal,
            parentContext: default, links: startedBy is { } request ? [new ActivityLink(request)] : null);
        span?.SetTag("lab.run.id", run.RunId.ToString());
        span?.SetTag("lab.experiment", run.Experiment.Id);
        span?.SetTag("lab.case", run.Case.Id);
        span?.SetTag("lab.profile", run.Profile.Id);
        span?.SetTag("lab.scheduled", run.Plan.Scheduled);
        span?.SetTag("lab.target", run.Target.ToString());
        var entries = new List<string>();
        try
        {
            await MoveAsync(run, RunStatus.CheckingReadiness, null, stopping);
            var ready = await readiness.CheckAsync(run.Profile.Id, run.Target, run.Profile.Model, run.Service, stopping);
            if (!ready.Ready)
            {
                await FailAsync(run, $"target not ready: {ready.Reason}", stopping);
                return;
            }
            var workers = await distribution.LiveWorkersAsync();
            span?.SetTag("lab.workers", workers.Count);
            if (workers.Count == 0)
            {
                await FailAsync(run, $"no load worker is alive (none heartbeated in the last {DistributionKeys.WorkerAliveWindow.TotalSeconds:F0} s); start Lab.LoadWorker (AppHost --workers N)", stopping);
                return;
            }
            if (await CancelledBeforeLoadAsync(run, stopping))
            {
                return;
            }

            await MoveAsync(run, RunStatus.WarmingUp, null, stopping);
            var prompt = PromptBuilder.Build(run.Case.PromptTokens, run.Seed);
            for (var i = 0; i < WarmupRequests; i++)
            {
                var (ok, reason) = await readiness.WarmUpAsync(run.Target, run.Profile.Model, prompt, run.Case.OutputTokens, stopping);
                if (!ok)
                {
                    await FailAsync(run, reason!, stopping);
                    return;
                }
            }
            if (await CancelledBeforeLoadAsync(run, stopping))
            {
                return;
            }

            var t0 = time.GetUtcNow().AddSeconds(_options.StartDelaySeconds);
            run.T0 = t0;
            await MoveAsync(run, RunStatus.Running, null, stopping, t0);
            using (var publishing = CancellationTokenSource.CreateLinkedTokenSource(stopping, run.CancelRequested))
            {
                var publisher = PublishOnScheduleAsync(run, t0, entries, publishing.Token);
                try
                {
                    await WaitForRecordsAsync(run, t0, stopping);
                }
                finally
                {
                    // Nothing is published after the ledger is whole or the run failed.
                    await publishing.CancelAsync();
                    await publisher;
                }
            }

            if (run.Status == RunStatus.Running)
            {
                await MoveAsync(run, RunStatus.Draining, null, stopping);
            }
            if (run.CancelRequested.IsCancellationRequested)
            {
                // Cancelled is terminal; CostApi still summarises a cancelled run whose ledger is whole.
                await costApi.TransitionRunAsync(run.RunId, new RunTransitionRequest(RunStatus.Cancelled, "cancelled by request"), stopping);
                run.Summary = await costApi.FinalizeRunAsync(run.RunId, stopping);
                // Shown as Cancelled only with its summary, so a reader never sees a terminal run without one.
                run.Reason = "cancelled by request";
                run.Status = RunStatus.Cancelled;
            }
            else
            {
                await MoveAsync(run, RunStatus.Finalizing, null, stopping);
                // Finalizing a whole ledger completes the run in CostApi; the transition below only confirms it.
                run.Summary = await costApi.FinalizeRunAsync(run.RunId, stopping);
                await MoveAsync(run, RunStatus.Completed, null, stopping);
            }
            span?.SetTag("lab.outcome", run.Status.ToString());
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            logger.LogError(e, "Run {RunId} failed", run.RunId);
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            await FailAsync(run, $"orchestrator error: {e.Message}", CancellationToken.None);
        }
        finally
        {
            run.Counters = await TryCountersAsync(run) ?? run.Counters;
            registry.Release(run);
            await TryAsync(() => distribution.CleanUpAsync(run.RunId, entries));
        }
    }

    /// <summary>
    /// Publishes each shard PublishLeadSeconds before its first send, not the whole schedule at t0. Workers read the one
    /// shard stream in order and hold at most one far-off shard each, so a run published whole would queue every other
    /// run's shards behind its own: two matrix cells started together on different targets had the second one's sends
    /// 28-31 s late (steady optimized, scale 1, 2026-11-24). Published just in time, the stream is ordered by send time
    /// across runs. A cancel stops publishing; the cancel sweep records the shards never published.
    /// </summary>
    private async Task PublishOnScheduleAsync(RunHandle run, DateTimeOffset t0, List<string> entries, CancellationToken cancellationToken)
    {
        try
        {
            await distribution.EnsureShardStreamAsync();
            foreach (var shard in run.Plan.Shards)
            {
                var wait = t0.AddMilliseconds(shard.OffsetsMs[0]).AddSeconds(-_options.PublishLeadSeconds) - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken);
                }
                entries.Add(await distribution.PublishAsync(new ShardAssignment(
                    run.RunId, shard.Shard, run.Plan.Shards.Count, t0, run.Target.ToString(), run.Profile.Model, run.Case.PromptTokens,
                    run.Case.OutputTokens, run.Case.TimeoutSeconds, _options.MaxLatenessSeconds * 1000, run.Seed, shard.Indices, shard.OffsetsMs)));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Until every scheduled request has a record; sweeps what no worker will ever record.</summary>
    private async Task WaitForRecordsAsync(RunHandle run, DateTimeOffset t0, CancellationToken stopping)
    {
        var scheduleEnd = run.ScheduleEnd!.Value;
        var sweepAt = scheduleEnd.AddSeconds(run.Case.TimeoutSeconds + _options.SweepGraceSeconds);
        DateTimeOffset? cancelledAt = null;
        var swept = false;
        while (true)
        {
            run.Counters = await distribution.CountersAsync(run.RunId);
            if (run.Counters.Recorded >= run.Plan.Scheduled)
            {
                return;
            }
            var now = time.GetUtcNow();
            if (cancelledAt is null && run.CancelRequested.IsCancellationRequested)
            {
                cancelledAt = now;
                await distribution.CancelAsync(run.RunId, "cancelled by request");
                if (run.Status == RunStatus.Running)
                {
                    await MoveAsync(run, RunStatus.Draining, null, stopping);
                }
            }
            if (run.Status == RunStatus.Running && now >= scheduleEnd)
            {
                await MoveAsync(run, RunStatus.Draining, null, stopping);
            }
            if (!swept && cancelledAt is { } at && now >= at.AddSeconds(_options.CancelGraceSeconds))
            {
                swept = true;
                var count = await distribution.SweepAsync(run.RunId, t0, run.Plan.OffsetsSeconds, run.Case.PromptTokens, DropReason.Cancelled,
                    "run cancelled; no worker recorded this request", stopping);
                logger.LogInformation("Run {RunId}: recorded {Count} requests cut by the cancel", run.RunId, count);
            }
            else if (!swept && now >= sweepAt)
            {
                swept = true;
                var count = await distribution.SweepAsync(run.RunId, t0, run.Plan.OffsetsSeconds, run.Case.PromptTokens, DropReason.WorkerLost,
                    "no worker recorded this request by the end of the run (last send + timeout + grace)", stopping);
                logger.LogWarning("Run {RunId}: recorded {Count} requests no worker finished as worker_lost", run.RunId, count);
            }
            await Task.Delay(PollInterval, time, stopping);
        }
    }

    private async Task<bool> CancelledBeforeLoadAsync(RunHandle run, CancellationToken stopping)
    {
        if (!run.CancelRequested.IsCancellationRequested)
        {
            return false;
        }
        // No request was planned on the clock yet (no t0), so there is nothing to send or record.
        await MoveAsync(run, RunStatus.Cancelled, "cancelled before load started", stopping);
        return true;
    }

    private async Task MoveAsync(RunHandle run, RunStatus to, string? reason, CancellationToken cancellationToken, DateTimeOffset? t0 = null)
    {
        await costApi.TransitionRunAsync(run.RunId, new RunTransitionRequest(to, reason, t0), cancellationToken);
        run.Status = to;
        run.Reason = reason;
        Activity.Current?.AddEvent(new ActivityEvent($"status {to}"));
        logger.LogInformation("Run {RunId} {Status}{Reason}", run.RunId, to, reason is null ? "" : $": {reason}");
    }

    private async Task FailAsync(RunHandle run, string reason, CancellationToken cancellationToken)
    {
        run.Status = RunStatus.Failed;
        run.Reason = reason;
        await TryAsync(() => costApi.TransitionRunAsync(run.RunId, new RunTransitionRequest(RunStatus.Failed, reason), cancellationToken));
        logger.LogWarning("Run {RunId} failed: {Reason}", run.RunId, reason);
    }

    private async Task<RunCounters?> TryCountersAsync(RunHandle run)
    {
        try
        {
            return await distribution.CountersAsync(run.RunId);
        }
        catch (Exception)
        {
            return null;
        }
    }

    private async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Best-effort step failed");
        }
    }
}
