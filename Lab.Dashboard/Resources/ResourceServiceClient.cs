// Reads resources and console logs from the AppHost control API (Dashboard:ResourceServiceUrl), which masks secrets itself.
using System.Net.Http.Json;
using Lab.Contracts.ControlPlane;

namespace Lab.Dashboard.Resources;

public sealed class ResourceServiceClient(HttpClient http)
{
    /// <summary>How many lines a console tail asks for at most; the AppHost keeps 2000 per resource.</summary>
    private const int TailLines = 1000;

    public bool IsConfigured => http.BaseAddress is not null;

    public async Task<IReadOnlyList<ResourceView>> GetResourcesAsync(CancellationToken ct) =>
        await http.GetFromJsonAsync(ControlApiRoutes.Resources, ControlPlaneJsonContext.Default.IReadOnlyListResourceView, ct)
        ?? throw new InvalidOperationException("The AppHost's /api/resources answered null instead of a list.");

    /// <summary>The lines numbered above <paramref name="after"/>, the newest <see cref="TailLines"/> of them.</summary>
    public async Task<IReadOnlyList<ResourceLogLine>> GetConsoleLogsAsync(string resource, long after, CancellationToken ct) =>
        await http.GetFromJsonAsync(ControlApiRoutes.Logs(resource, after, TailLines), ControlPlaneJsonContext.Default.IReadOnlyListResourceLogLine, ct)
        ?? throw new InvalidOperationException("The AppHost's console log endpoint answered null instead of a list.");
}
