// Health as the lab's control API reports it from real Aspire: an HTTP health check holds a WaitFor dependant and
// turns a running resource Unhealthy and back; a dependant of a resource that died keeps waiting without a process,
// and the control API answers all along (it listens before Aspire creates any resource).
using System.Net.Http.Json;
using System.Text.Json;
using Lab.Contracts.ControlPlane;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lab.Hosting.Local.Tests;

public sealed class HealthTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("lab-health-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private IDistributedApplicationTestingBuilder Lab()
    {
        var builder = DistributedApplicationTestingBuilder.Create("DcpPublisher:WaitForResourceCleanup=false");
        builder.AddLabState(_state, fresh: false, binPath: null, controlPort: 0, dashboard: false);
        return builder;
    }

    /// <summary>Polls the control API (found through apphost.json) until the condition holds; the token bounds the wait.</summary>
    private async Task<ResourceView> WaitForAsync(string name, Func<ResourceView, bool> condition, CancellationToken ct)
    {
        using var control = await ControlAsync(ct);
        while (true)
        {
            if (await control.GetAsync(ControlApiRoutes.Resource(name), ct) is { IsSuccessStatusCode: true } response
                && await response.Content.ReadFromJsonAsync(ControlPlaneJsonContext.Default.ResourceView, ct) is { } view && condition(view))
            {
                return view;
            }
            await Task.Delay(200, ct);
        }
    }

    private async Task<HttpClient> ControlAsync(CancellationToken ct)
    {
        var appHostFile = Path.Combine(_state, LabStateFolder.AppHostFile);
        while (!File.Exists(appHostFile))
        {
            await Task.Delay(100, ct);
        }
        var info = JsonSerializer.Deserialize(File.ReadAllText(appHostFile), ControlPlaneJsonContext.Default.AppHostInfo)!;
        return new HttpClient { BaseAddress = new Uri(info.ControlUrl) };
    }

    private static async Task StopAsync(DistributedApplication app, Task starting, CancellationTokenSource startCancel)
    {
        await startCancel.CancelAsync();
        try
        {
            await starting;
        }
        catch (OperationCanceledException)
        {
            // Aspire was still holding a dependant when the test ended.
        }
        await app.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_failing_health_endpoint_holds_dependants_and_turns_a_running_resource_Unhealthy_and_back()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var builder = Lab();
        var service = builder.AddExecutable("service", "/bin/sleep", _state, "300").WithHttpEndpoint(env: "PORT").WithHttpHealthCheck("/health");
        builder.AddExecutable("dependant", "/bin/sleep", _state, "300").WaitFor(service);
        await using var app = await builder.BuildAsync(ct);
        using var startCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var starting = app.StartAsync(startCancel.Token);

        // The process runs but nothing answers /health: Unhealthy, and the dependant is held without a process.
        var held = await WaitForAsync("service", r => r.Instances.Any(i => i.Pid is not null) && r.Health == ResourceHealth.Unhealthy, ct);
        Assert.Equal(ResourceState.Unhealthy, held.State);
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var waiting = await WaitForAsync("dependant", _ => true, ct);
        Assert.Equal(ResourceState.Waiting, waiting.State);
        Assert.DoesNotContain(waiting.Instances, i => i.Pid is not null);

        // Something answers on the port Aspire handed the process (behind DCP's proxy, which the health check calls).
        var port = held.Instances.Single().Environment["PORT"];
        var status = StatusCodes.Status200OK;
        var web = WebApplication.CreateSlimBuilder();
        web.Logging.ClearProviders();
        web.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var endpoint = web.Build();
        endpoint.MapGet("/health", () => Results.StatusCode(Volatile.Read(ref status)));
        await endpoint.StartAsync(ct);

        await WaitForAsync("service", r => (r.State, r.Health) == (ResourceState.Running, ResourceHealth.Healthy), ct);
        var released = await WaitForAsync("dependant", r => r.State == ResourceState.Running, ct);
        Assert.NotNull(Assert.Single(released.Instances).Pid);
        await starting;

        Volatile.Write(ref status, StatusCodes.Status503ServiceUnavailable);
        var unhealthy = await WaitForAsync("service", r => r.Health == ResourceHealth.Unhealthy, ct);
        Assert.Equal(ResourceState.Unhealthy, unhealthy.State);

        Volatile.Write(ref status, StatusCodes.Status200OK);
        await WaitForAsync("service", r => (r.State, r.Health) == (ResourceState.Running, ResourceHealth.Healthy), ct);
        await StopAsync(app, starting, startCancel);
    }

    [Fact]
    public async Task A_resource_waiting_for_one_that_died_stays_Waiting_without_a_process_and_the_dead_one_says_why()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var builder = Lab();
        // With a health check it cannot count as healthy before it dies (without one, Running alone is healthy, as in Aspire).
        var crasher = builder.AddExecutable("crasher", "/bin/sh", _state, "-c", "echo 'no model'; sleep 1; exit 3")
            .WithHttpEndpoint(env: "PORT").WithHttpHealthCheck("/health");
        builder.AddExecutable("dependant", "/bin/sleep", _state, "300").WaitFor(crasher);
        await using var app = await builder.BuildAsync(ct);
        using var startCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var starting = app.StartAsync(startCancel.Token);

        var crashed = await WaitForAsync("crasher", r => r.State == ResourceState.Exited, ct);
        Assert.Contains("exited with 3", crashed.Message);
        Assert.Contains("no model", crashed.Message);

        // Aspire's default WaitFor keeps waiting on a dependency that stopped (it can be restarted from the dashboard):
        // the dependant never gets a process, and Aspire's start does not complete.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var dependant = await WaitForAsync("dependant", _ => true, ct);
        Assert.Equal(ResourceState.Waiting, dependant.State);
        Assert.DoesNotContain(dependant.Instances, i => i.Pid is not null);
        Assert.False(starting.IsCompleted, "Aspire's StartAsync returned while a dependant was still held");
        await StopAsync(app, starting, startCancel);
    }
}
