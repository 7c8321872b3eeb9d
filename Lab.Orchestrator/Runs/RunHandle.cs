// The orchestrator's live view of one run it drives: definition, plan, status and the latest counters.
using Lab.Contracts.Costs;
using Lab.Contracts.Distribution;
using Lab.Contracts.Experiments;
using Lab.Contracts.Orchestration;
using Lab.Orchestrator.Planning;

namespace Lab.Orchestrator.Runs;

public sealed class RunHandle(Guid runId, ExperimentDefinition experiment, CaseDefinition @case, ProfileDefinition profile,
    Uri target, long seed, double scale, RunPlan plan, DateTimeOffset createdAt)
{
    private readonly CancellationTokenSource _cancel = new();

    public Guid RunId { get; } = runId;
    public ExperimentDefinition Experiment { get; } = experiment;
    public CaseDefinition Case { get; } = @case;
    public ProfileDefinition Profile { get; } = profile;
    public Uri Target { get; } = target;
    public long Seed { get; } = seed;
    public double Scale { get; } = scale;
    public RunPlan Plan { get; } = plan;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    /// <summary>The profile's serving Service when load goes to it (not to an explicit URL); readiness reads its Deployment in a cluster.</summary>
    public string? Service { get; init; }
    public RunStatus Status { get; set; } = RunStatus.Pending;
    public string? Reason { get; set; }
    public DateTimeOffset? T0 { get; set; }
    public RunCounters Counters { get; set; } = new(0, 0, 0, 0, 0);
    public RunSummary? Summary { get; set; }
    public Task Completion { get; set; } = Task.CompletedTask;

    public CancellationToken CancelRequested => _cancel.Token;
    public bool IsTerminal => Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;

    public void RequestCancel() => _cancel.Cancel();

    public DateTimeOffset? ScheduleEnd => T0?.AddSeconds(Plan.LastOffsetSeconds);

    public RunProgress ToProgress(DateTimeOffset now)
    {
        var elapsed = T0 is { } t0 && now > t0 ? (now - t0).TotalSeconds : 0;
        // ETA: the rest of the schedule while sending; while draining, at most the client timeout after the last send.
        double? eta = Status switch
        {
            RunStatus.Pending or RunStatus.CheckingReadiness or RunStatus.WarmingUp => Plan.DurationSeconds,
            RunStatus.Running => Math.Max(0, (ScheduleEnd!.Value - now).TotalSeconds),
            RunStatus.Draining => Math.Max(0, (ScheduleEnd!.Value.AddSeconds(Case.TimeoutSeconds) - now).TotalSeconds),
            RunStatus.Finalizing => 0,
            _ => null,
        };
        return new RunProgress(RunId, Experiment.Id, Case.Id, Profile.Id, Target.ToString(), Status, Reason, Plan.Scheduled,
            Counters.Sent, Counters.Succeeded, Counters.Dropped, Counters.InFlight, elapsed, eta, Summary);
    }
}
