// The AppHost's control API (GET /api/resources, /api/resources/{name}): each resource's state, URLs and replicas.
namespace Lab.Contracts.ControlPlane;

public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Unhealthy,
    Exited,
    FailedToStart,
}

/// <summary>Unknown until a health check has answered; a resource without one is Healthy once Running.</summary>
public enum ResourceHealth
{
    Unknown,
    Healthy,
    Unhealthy,
}

/// <summary>
/// One resource, its replicas grouped: <see cref="Replicas"/> is the count, <see cref="Endpoints"/> every replica's URL,
/// <see cref="Pid"/> the first started replica's process, <see cref="Message"/> why it Exited or FailedToStart (with its
/// last log lines).
/// </summary>
public sealed record ResourceView(
    string Name,
    string Type,
    ResourceState State,
    ResourceHealth Health,
    int Replicas,
    IReadOnlyList<string> Endpoints,
    int? Pid,
    IReadOnlyList<ResourceInstanceView> Instances,
    string? Message);

/// <summary>
/// One replica (a server has one). <see cref="Environment"/> is what the process was started with, empty until it
/// starts and for the native servers; values that look secret arrive as <see cref="MaskedValue"/>, since the control
/// API answers anyone on the machine.
/// </summary>
public sealed record ResourceInstanceView(
    string Name,
    ResourceState State,
    ResourceHealth Health,
    int? Pid,
    string? Endpoint,
    int? ExitCode,
    IReadOnlyDictionary<string, string> Environment)
{
    public const string MaskedValue = "********";
}
