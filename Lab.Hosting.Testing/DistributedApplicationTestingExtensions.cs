// Test conveniences on a running app, named as in Aspire.Hosting.Testing.
namespace Lab.Hosting.Testing;

public static class DistributedApplicationTestingExtensions
{
    /// <summary>An HttpClient whose BaseAddress is the resource's endpoint (first replica unless told otherwise).</summary>
    public static HttpClient CreateHttpClient(this DistributedApplication app, string resourceName, string endpointName = "http", int replica = 0) =>
        new() { BaseAddress = app.GetEndpoint(resourceName, endpointName, replica) };

    /// <summary>Waits until every resource of the app is Running and healthy.</summary>
    public static async Task WaitForAllHealthyAsync(this DistributedApplication app, CancellationToken cancellationToken = default)
    {
        foreach (var snapshot in app.ResourceNotifications.Snapshots)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(snapshot.Name, cancellationToken);
        }
    }
}
