// The AppHost's control API (GET /api/resources): resource states and endpoints, read by status and demo.
using System.Net.Http.Json;

namespace Lab.Cli.Connection;

/// <summary>One resource as the AppHost reports it; State is Aspire's (Running, Waiting, Exited, ...).</summary>
public sealed record ResourceInfo(
    string Name,
    string? Type,
    string? State,
    string? Health,
    int? Replicas,
    IReadOnlyList<string>? Endpoints,
    int? Pid,
    string? Message = null)
{
    /// <summary>Running, and healthy where it has a health check (Unknown health means none is declared).</summary>
    public bool IsUp => string.Equals(State, "Running", StringComparison.OrdinalIgnoreCase)
        && !string.Equals(Health, "Unhealthy", StringComparison.OrdinalIgnoreCase);

    public bool HasFailed => State is not null && (State.Equals("FailedToStart", StringComparison.OrdinalIgnoreCase)
        || State.Equals("Exited", StringComparison.OrdinalIgnoreCase));
}

public sealed class AppHostControl(HttpClient http)
{
    public Uri? BaseAddress => http.BaseAddress;

    public async Task<IReadOnlyList<ResourceInfo>> GetResourcesAsync(CancellationToken cancellationToken)
    {
        var resources = await http.GetFromJsonAsync("api/resources", CliJsonContext.Default.IReadOnlyListResourceInfo, cancellationToken);
        return resources ?? [];
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
