// The AppHost's control API on 127.0.0.1: resources, their states and logs, as Lab.Contracts.ControlPlane's types.
using System.Net;
using Lab.Contracts.ControlPlane;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lab.Hosting.Control;

internal static class ControlApi
{
    public static async Task<WebApplication> StartAsync(int port, ResourceNotificationService notifications, ResourceLoggerService logs,
        CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "Lab.AppHost" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ControlPlaneJsonContext.Default));
        builder.Services.AddSingleton(notifications);
        builder.Services.AddSingleton(logs);

        var app = builder.Build();
        app.MapControlApi();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException)
        {
            // Kestrel reports a taken address as an IOException ("address already in use").
            await app.DisposeAsync();
            throw new Native.PortInUseException("apphost control API (--port)", port);
        }
        return app;
    }

    public static Uri Url(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::1]", "127.0.0.1"));

    private static void MapControlApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/" + ControlApiRoutes.Resources);
        api.MapGet("/", GetResources);
        api.MapGet("/{name}", GetResource);
        api.MapGet("/{name}/logs", GetLogs);
    }

    private static Ok<IReadOnlyList<ResourceView>> GetResources(ResourceNotificationService notifications) =>
        TypedResults.Ok<IReadOnlyList<ResourceView>>([.. notifications.Snapshots.Select(ToView)]);

    private static Results<Ok<ResourceView>, NotFound<string>> GetResource(string name, ResourceNotificationService notifications) =>
        notifications.Get(name) is { } snapshot
            ? TypedResults.Ok(ToView(snapshot))
            : TypedResults.NotFound($"No resource '{name}'. Resources: {string.Join(", ", notifications.Snapshots.Select(s => s.Name))}.");

    private static Results<Ok<IReadOnlyList<ResourceLogLine>>, NotFound<string>> GetLogs(string name, long? after, int? last,
        ResourceNotificationService notifications, ResourceLoggerService logs) =>
        notifications.Get(name) is null
            ? TypedResults.NotFound($"No resource '{name}'.")
            : TypedResults.Ok(logs.GetLines(name, after ?? 0, last ?? ControlApiRoutes.DefaultLogLines));

    private static ResourceView ToView(ResourceSnapshot s) =>
        new(s.Name, s.Type, s.State, s.Health, s.Replicas, s.Endpoints, s.Instances.FirstOrDefault(i => i.Pid is not null)?.Pid,
            [.. s.Instances.Select(i => new ResourceInstanceView(i.Name, i.State, i.Health, i.Pid, i.Endpoint, i.ExitCode,
                SecretMasking.Mask(i.Environment ?? new Dictionary<string, string>())))],
            s.Message);
}
