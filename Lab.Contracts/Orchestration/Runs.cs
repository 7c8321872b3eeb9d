// The orchestrator's public contract: starting, watching and cancelling runs and matrices; target readiness.
using Lab.Contracts.Costs;

namespace Lab.Contracts.Orchestration;

/// <summary>
/// Scale shortens the case duration keeping its rates (0.1 = a tenth of the requests); bursts arrivals keep whole burst
/// periods with at least one full spike, so a short burst run still bursts (the run's snapshot states the rule).
/// </summary>
public sealed record StartRunRequest(
    string Experiment,
    string Case,
    string Profile,
    string? Target = null,
    long? Seed = null,
    double? Scale = null);

public sealed record RunProgress(
    Guid RunId,
    string Experiment,
    string Case,
    string Profile,
    string Target,
    RunStatus Status,
    string? Reason,
    int Scheduled,
    int Sent,
    int Succeeded,
    int Dropped,
    int InFlight,
    double ElapsedSeconds,
    double? EtaSeconds,
    RunSummary? Summary);

public sealed record StartMatrixRequest(
    string Experiment,
    IReadOnlyList<string>? Cases = null,
    IReadOnlyList<string>? Profiles = null,
    double? Scale = null,
    long? Seed = null);

public sealed record MatrixProgress(Guid MatrixId, string Experiment, string Status, IReadOnlyList<RunProgress> Runs, IReadOnlyList<MatrixCellPlan> Pending);

public sealed record MatrixCellPlan(string Case, string Profile);

public sealed record TargetReadiness(
    string Profile,
    string Target,
    bool Ready,
    bool Reachable,
    bool Healthy,
    bool ModelListed,
    bool WarmupSucceeded,
    string? Reason,
    DateTimeOffset CheckedAt,
    DeploymentReadiness? Deployment = null);

/// <summary>
/// In a cluster, what the Kubernetes API says about a serving profile's Deployment: its replicas and, while they are not
/// all ready, why (pending pods, insufficient nvidia.com/gpu, image pulls, crashes). Error is set when the API could not
/// be read; the HTTP checks then decide alone. Null outside a cluster.
/// </summary>
public sealed record DeploymentReadiness(string Service, int Desired, int Ready, IReadOnlyList<string> Reasons, string? Error = null)
{
    public override string ToString() => Error is not null
        ? $"{Service}: the Deployment could not be read ({Error})"
        : $"{Service}: {Ready}/{Desired} replicas ready" + (Reasons.Count == 0 ? string.Empty : "; " + string.Join("; ", Reasons));
}
