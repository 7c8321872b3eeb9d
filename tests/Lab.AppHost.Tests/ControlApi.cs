// The control API of an AppHost started in these tests, found the way the CLI finds it: from apphost.json.
using System.Net.Http.Json;
using System.Text.Json;
using Lab.Contracts.ControlPlane;

namespace Lab.AppHost.Tests;

public static class ControlApi
{
    public static HttpClient In(string stateDirectory) => new()
    {
        BaseAddress = new Uri(JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(stateDirectory, LabStateFolder.AppHostFile)),
            ControlPlaneJsonContext.Default.AppHostInfo)!.ControlUrl),
    };

    public static async Task<IReadOnlyList<ResourceView>> ResourcesAsync(this HttpClient control, CancellationToken cancellationToken) =>
        (await control.GetFromJsonAsync(ControlApiRoutes.Resources, ControlPlaneJsonContext.Default.IReadOnlyListResourceView, cancellationToken))!;

    /// <summary>One resource as the control API reports it, once <paramref name="until"/> holds or a minute has passed.</summary>
    public static async Task<ResourceView> ResourceAsync(this HttpClient control, string name, Func<ResourceView, bool> until, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            var view = (await control.GetFromJsonAsync(ControlApiRoutes.Resource(name), ControlPlaneJsonContext.Default.ResourceView, cancellationToken))!;
            if (until(view) || DateTime.UtcNow > deadline)
            {
                return view;
            }
            await Task.Delay(200, cancellationToken);
        }
    }
}
