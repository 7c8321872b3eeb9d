// The control API the CLI reads, served by a real Aspire AppHost: apphost.json while it runs, resources, logs, 404s.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lab.Contracts.ControlPlane;

namespace Lab.Hosting.Local.Tests;

public sealed class ControlApiTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("lab-control-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public async Task The_CLI_finds_the_lab_in_apphost_json_and_reads_every_resource_and_its_logs()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Lab_Stores_AppHost>(
            [$"Lab:StateDirectory={_state}", "DcpPublisher:WaitForResourceCleanup=false"], ct);
        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        await app.ResourceNotifications.WaitForResourceHealthyAsync("labdb", timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("redis", timeout.Token);

        var appHostFile = Path.Combine(_state, LabStateFolder.AppHostFile);
        var info = JsonSerializer.Deserialize(File.ReadAllText(appHostFile), ControlPlaneJsonContext.Default.AppHostInfo)!;
        Assert.Equal(Environment.ProcessId, info.Pid);
        Assert.Equal(_state, info.StateDirectory);
        Assert.StartsWith("tcp://", Assert.Single(info.Endpoints["redis"]));

        using var http = new HttpClient { BaseAddress = new Uri(info.ControlUrl) };
        var resources = await http.GetFromJsonAsync(ControlApiRoutes.Resources, ControlPlaneJsonContext.Default.IReadOnlyListResourceView, ct);
        Assert.Equal(["labdb", "postgres", "redis"], resources!.Select(r => r.Name));
        Assert.All(resources!, r => Assert.Equal((ResourceState.Running, ResourceHealth.Healthy), (r.State, r.Health)));
        var redis = resources!.Single(r => r.Name == "redis");
        Assert.NotNull(redis.Pid);
        Assert.Equal(1, redis.Replicas);

        // Logs are numbered so a tail asks only for what is newer.
        var lines = await http.GetFromJsonAsync(ControlApiRoutes.Logs("redis", 0, 500), ControlPlaneJsonContext.Default.IReadOnlyListResourceLogLine, ct);
        Assert.Contains(lines!, l => l.Text.Contains("Ready to accept connections", StringComparison.Ordinal));
        var newer = await http.GetFromJsonAsync(ControlApiRoutes.Logs("redis", lines!.Max(l => l.Sequence), 500), ControlPlaneJsonContext.Default.IReadOnlyListResourceLogLine, ct);
        Assert.Empty(newer!);

        var missing = await http.GetAsync(ControlApiRoutes.Resource("nope"), ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("Resources: labdb, postgres, redis", await missing.Content.ReadAsStringAsync(ct));

        await app.StopAsync(ct);
        Assert.False(File.Exists(appHostFile), "apphost.json outlived the AppHost");
    }
}
