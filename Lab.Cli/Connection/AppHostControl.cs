// The AppHost's control API (GET /api/resources): resource states and endpoints, read by status and demo.
using System.Net.Http.Json;
using Lab.Contracts.ControlPlane;

namespace Lab.Cli.Connection;

/// <summary>
/// One resource as status and demo print it (their --json too), from the control API's <see cref="ResourceView"/>.
/// Health is its name and Replicas nullable because status's table prints them with a fallback.
/// </summary>
public sealed record ResourceInfo(
    string Name,
    string Type,
    ResourceState State,
    string Health,
    int? Replicas,
    IReadOnlyList<string> Endpoints,
    int? Pid,
    string? Message = null)
{
    /// <summary>Running, and healthy where it has a health check (Unknown health means it has not answered yet).</summary>
    public bool IsUp => State == ResourceState.Running && Health != nameof(ResourceHealth.Unhealthy);

    public bool HasFailed => State is ResourceState.FailedToStart or ResourceState.Exited;

    public static ResourceInfo From(ResourceView view) =>
        new(view.Name, view.Type, view.State, view.Health.ToString(), view.Replicas, view.Endpoints, view.Pid, view.Message);
}

public sealed class AppHostControl(HttpClient http)
{
    public Uri? BaseAddress => http.BaseAddress;

    public async Task<IReadOnlyList<ResourceInfo>> GetResourcesAsync(CancellationToken cancellationToken)
    {
        var resources = await http.GetFromJsonAsync(ControlApiRoutes.Resources, ControlPlaneJsonContext.Default.IReadOnlyListResourceView, cancellationToken);
        return [.. (resources ?? []).Select(ResourceInfo.From)];
    }

    /// <summary>True when the control API answers; false when nothing listens there.</summary>
    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken)
    {
        try
        {
            await GetResourcesAsync(cancellationToken);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
