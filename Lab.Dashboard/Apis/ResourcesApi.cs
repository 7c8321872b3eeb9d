// GET /api/resources and /api/resources/{name}/logs: the AppHost's view, or the resources seen in telemetry without one.
using Lab.Contracts.ControlPlane;
using Lab.Dashboard.Resources;
using Lab.Dashboard.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lab.Dashboard.Apis;

public static class ResourcesApi
{
    public static IEndpointRouteBuilder MapResourcesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/resources");
        api.MapGet("/", GetResourcesAsync);
        api.MapGet("/{name}/logs", GetConsoleLogsAsync);
        return app;
    }

    private static async Task<Ok<ResourcesResponse>> GetResourcesAsync(ResourceServiceClient client, TelemetryStore store, CancellationToken ct)
    {
        string? error = null;
        if (client.IsConfigured)
        {
            try
            {
                return TypedResults.Ok(new ResourcesResponse("apphost", null, await client.GetResourcesAsync(ct), []));
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or System.Text.Json.JsonException or TaskCanceledException)
            {
                error = $"The AppHost resource service did not answer: {e.Message}";
            }
        }
        // Without the AppHost, still show who is sending telemetry.
        return TypedResults.Ok(new ResourcesResponse("telemetry", error, [], [.. store.Resources.All().Select(r => r.Key)]));
    }

    private static async Task<Results<Ok<IReadOnlyList<ResourceLogLine>>, ProblemHttpResult>> GetConsoleLogsAsync(
        ResourceServiceClient client, string name, long? after, CancellationToken ct)
    {
        if (!client.IsConfigured)
        {
            return TypedResults.Problem("Console logs come from the AppHost; set Dashboard:ResourceServiceUrl.", statusCode: 503);
        }
        try
        {
            return TypedResults.Ok(await client.GetConsoleLogsAsync(name, after ?? 0, ct));
        }
        catch (HttpRequestException e)
        {
            return TypedResults.Problem($"The AppHost resource service did not answer: {e.Message}", statusCode: 502);
        }
    }
}
