// The AppHost's control API on 127.0.0.1: resources, their states and logs (the CLI and the dashboard read it).
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
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

/// <summary>
/// <c>GET /api/resources</c> → one entry per resource: <c>{name, type, state, health, replicas, endpoints:[url], pid, instances}</c>;
/// <c>replicas</c> is the replica count, <c>pid</c> the first process's id, and <c>instances</c> lists every replica
/// (<c>{name, state, health, pid, endpoint, exitCode}</c>) so every child process can be found.
/// </summary>
public sealed record ResourceView(
    string Name,
    string Type,
    ResourceState State,
    ResourceHealth Health,
    int Replicas,
    IReadOnlyList<string> Endpoints,
    int? Pid,
    IReadOnlyList<ResourceInstanceSnapshot> Instances,
    string? Message)
{
    public static ResourceView From(ResourceSnapshot s) =>
        new(s.Name, s.Type, s.State, s.Health, s.Replicas, s.Endpoints, s.Instances.FirstOrDefault(i => i.Pid is not null)?.Pid, s.Instances, s.Message);
}

internal static class ControlApi
{
    public static async Task<WebApplication> StartAsync(int port, ResourceNotificationService notifications, ResourceLoggerService logs,
        CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "Lab.AppHost" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ControlJsonContext.Default));
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
        var api = routes.MapGroup("/api/resources");
        api.MapGet("/", GetResources);
        api.MapGet("/{name}", GetResource);
        api.MapGet("/{name}/logs", GetLogs);
    }

    private static Ok<ResourceView[]> GetResources(ResourceNotificationService notifications) =>
        TypedResults.Ok(notifications.Snapshots.Select(ResourceView.From).ToArray());

    private static Results<Ok<ResourceView>, NotFound<string>> GetResource(string name, ResourceNotificationService notifications) =>
        notifications.Get(name) is { } snapshot
            ? TypedResults.Ok(ResourceView.From(snapshot))
            : TypedResults.NotFound($"No resource '{name}'. Resources: {string.Join(", ", notifications.Snapshots.Select(s => s.Name))}.");

    private static Results<Ok<ResourceLogLine[]>, NotFound<string>> GetLogs(string name, int? last, ResourceNotificationService notifications,
        ResourceLoggerService logs) =>
        notifications.Get(name) is null
            ? TypedResults.NotFound($"No resource '{name}'.")
            : TypedResults.Ok(logs.GetLines(name, last ?? 200).ToArray());
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ResourceView[]))]
[JsonSerializable(typeof(ResourceLogLine[]))]
[JsonSerializable(typeof(string))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
