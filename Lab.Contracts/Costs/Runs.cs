// The run ledger: registration, status transitions and the frozen snapshot each result is computed from.
using Lab.Contracts.Experiments;

namespace Lab.Contracts.Costs;

public enum RunStatus
{
    Pending,
    CheckingReadiness,
    WarmingUp,
    Running,
    Draining,
    Finalizing,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>
/// Everything a result depends on, frozen at registration so later edits never change a past run. Case is the case as
/// it ran (DurationSeconds is the scaled run's planned length); Scaling says how that length was cut from the definition.
/// </summary>
public sealed record RunSnapshot(
    CaseDefinition Case,
    ProfileDefinition Profile,
    SloDefinition Slo,
    GpuPrice Price,
    string EvidenceBoundary,
    RunScaling? Scaling = null);

public sealed record RegisterRunRequest(
    Guid RunId,
    string Experiment,
    string Case,
    string Profile,
    string Target,
    long Seed,
    double Scale,
    int Scheduled,
    RunSnapshot Snapshot);

/// <summary>T0 is the planned send time of the first request; it starts the billed duration.</summary>
public sealed record RunTransitionRequest(RunStatus To, string? Reason = null, DateTimeOffset? T0 = null);

public sealed record RunInfo(
    Guid Id,
    string Experiment,
    string Case,
    string Profile,
    string Target,
    long Seed,
    double Scale,
    int Scheduled,
    RunStatus Status,
    string? StatusReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? T0,
    DateTimeOffset? EndedAt,
    RunSnapshot Snapshot);

public sealed record RunQuery(string? Experiment = null, string? Case = null, string? Profile = null, RunStatus? Status = null, int? Limit = null);
