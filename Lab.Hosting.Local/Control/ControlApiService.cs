// The AppHost's control API on 127.0.0.1 (resources, states, logs as Lab.Contracts.ControlPlane's types) and apphost.json.
using System.Net;
using Lab.Contracts.ControlPlane;
using Lab.Hosting.Local.AppHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lab.Hosting.Local.Control;

internal sealed class ControlApiService(ResourceBoard board, LabHostSettings settings, IConfiguration configuration, TimeProvider time,
    DistributedApplicationModel model, ILogger<ControlApiService> logger) : IHostedLifecycleService
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _fileLock = new();
    private WebApplication? _api;
    private Uri? _url;
    private DateTimeOffset _startedAt;

    /// <summary>The control API's base URL once started.</summary>
    public Uri? Url => _url;

    /// <summary>
    /// Listens before any resource exists: Aspire creates resources in its orchestrator's StartAsync, which does not
    /// return while a WaitFor holds a dependant, so a lab with a resource that never gets healthy is still readable.
    /// </summary>
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "Lab.AppHost" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, settings.ControlPort));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ControlPlaneJsonContext.Default));
        builder.Services.AddSingleton(board);
        _api = builder.Build();
        _api.MapControlApi();
        try
        {
            await _api.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await _api.DisposeAsync();
            _api = null;
            throw new LabStartupException(
                $"The control API cannot listen on 127.0.0.1:{settings.ControlPort} ({e.Message}): is another lab running? Stop it, or pass --port <n> (0 = any free port).", e);
        }
        _url = new Uri(_api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::1]", "127.0.0.1"));
        _startedAt = time.GetUtcNow();
        board.EndpointsChanged += WriteAppHostFile;
        _ = board.WatchAsync(_stopping.Token);
        WriteAppHostFile();
        logger.LogInformation("Lab control API: {Url} (state in {State})", _url, settings.State!.Path);
    }

    private void WriteAppHostFile()
    {
        if (_url is null || settings.State is null || _stopping.IsCancellationRequested)
        {
            return;
        }
        lock (_fileLock)
        {
            settings.State.WriteAppHostFile(new AppHostInfo(_url.ToString(), Environment.ProcessId, _startedAt, settings.State.Path, board.Endpoints, DashboardLoginUrl()));
        }
    }

    /// <summary>The Aspire dashboard's login link (its browser token in the query), or its URL when it runs unsecured.</summary>
    private string? DashboardLoginUrl()
    {
        if (!settings.Dashboard || TraceLinks.AllocatedDashboardUrl(model) is not { } url)
        {
            return null;
        }
        return configuration["AppHost:BrowserToken"] is { Length: > 0 } token ? $"{url}/login?t={token}" : url;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        board.EndpointsChanged -= WriteAppHostFile;
        settings.State?.DeleteAppHostFile(Environment.ProcessId);
        if (_api is not null)
        {
            await _api.StopAsync(cancellationToken);
            await _api.DisposeAsync();
        }
    }
}

internal static class ControlApi
{
    public static void MapControlApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/" + ControlApiRoutes.Resources);
        api.MapGet("/", (ResourceBoard board) => TypedResults.Ok(board.Resources));
        api.MapGet("/{name}", GetResource);
        api.MapGet("/{name}/logs", GetLogs);
    }

    private static Results<Ok<ResourceView>, NotFound<string>> GetResource(string name, ResourceBoard board) =>
        board.Get(name) is { } view
            ? TypedResults.Ok(view)
            : TypedResults.NotFound($"No resource '{name}'. Resources: {string.Join(", ", board.Resources.Select(r => r.Name))}.");

    private static Results<Ok<IReadOnlyList<ResourceLogLine>>, NotFound<string>> GetLogs(string name, long? after, int? last, ResourceBoard board) =>
        board.Get(name) is null
            ? TypedResults.NotFound($"No resource '{name}'.")
            : TypedResults.Ok(board.Lines(name, after ?? 0, last ?? ControlApiRoutes.DefaultLogLines));
}
