// What a running app's control API serves and its state folder holds, read back as Lab.Contracts.ControlPlane's types:
// every field the CLI and the dashboard read arrives filled in, under the name the dashboard's page uses.
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Lab.Contracts.ControlPlane;
using Lab.Hosting.Testing;

namespace Lab.Hosting.Tests;

/// <summary>Two replicas that each print a line and an error line, with a secret and a plain variable, and the API key.</summary>
public sealed class RunningWorker : IAsyncLifetime
{
    private IDistributedApplicationTestingBuilder _builder = null!;

    public DistributedApplication App { get; private set; } = null!;
    public HttpClient Control { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        _builder = DistributedApplicationTestingBuilder.Create();
        _builder.AddParameter(LabStateFolder.ApiKeyParameter, secret: true);
        _builder.AddExecutable("worker", "/bin/sh", ".", "-c", "echo \"listening on $PORT\"; echo 'warming up' >&2; exec sleep 300")
            .WithHttpEndpoint()
            .WithReplicas(2)
            .WithEnvironment("ConnectionStrings__labdb", "Host=127.0.0.1;Password=hunter2")
            .WithEnvironment("LAB_MODE", "contract");
        App = await _builder.BuildAsync(timeout.Token);
        await App.StartAsync(timeout.Token);
        await App.WaitForAllHealthyAsync(timeout.Token);
        while (App.ResourceLogs.GetLines("worker").Count < 4)
        {
            await Task.Delay(50, timeout.Token);
        }
        Control = new HttpClient { BaseAddress = App.ControlUrl };
    }

    public async ValueTask DisposeAsync()
    {
        Control?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
        await _builder.DisposeAsync();
    }
}

public sealed class ControlApiContractTests(RunningWorker lab) : IClassFixture<RunningWorker>
{
    [Fact]
    public async Task Resources_deserialize_with_every_field_the_cli_and_dashboard_read()
    {
        var ct = TestContext.Current.CancellationToken;

        var resources = await lab.Control.GetFromJsonAsync(ControlApiRoutes.Resources, ControlPlaneJsonContext.Default.IReadOnlyListResourceView, ct);
        var worker = Assert.Single(resources!);
        var one = await lab.Control.GetFromJsonAsync(ControlApiRoutes.Resource("worker"), ControlPlaneJsonContext.Default.ResourceView, ct);
        Assert.Equal(Json(worker), Json(one!));

        Assert.Equal(("worker", "Executable", ResourceState.Running, ResourceHealth.Healthy, 2), (worker.Name, worker.Type, worker.State, worker.Health, worker.Replicas));
        Assert.Equal(2, worker.Endpoints.Count);
        Assert.All(worker.Endpoints, url => Assert.StartsWith("http://127.0.0.1:", url));
        Assert.Equal(worker.Instances[0].Pid, worker.Pid);
        Assert.Null(worker.Message);
        Assert.Equal(["worker-0", "worker-1"], worker.Instances.Select(i => i.Name));
        Assert.Equal(worker.Endpoints, worker.Instances.Select(i => i.Endpoint!));
        Assert.All(worker.Instances, instance =>
        {
            Assert.Equal((ResourceState.Running, ResourceHealth.Healthy), (instance.State, instance.Health));
            Assert.NotNull(instance.Pid);
            Assert.Null(instance.ExitCode);
            Assert.Equal("contract", instance.Environment["LAB_MODE"]);
            Assert.Equal(new Uri(instance.Endpoint!).Port.ToString(CultureInfo.InvariantCulture), instance.Environment["PORT"]);
            Assert.Equal(ResourceInstanceView.MaskedValue, instance.Environment["ConnectionStrings__labdb"]);
        });
        Assert.DoesNotContain("hunter2", await lab.Control.GetStringAsync(ControlApiRoutes.Resources, ct));
    }

    [Fact]
    public async Task The_wire_names_are_the_ones_the_dashboard_page_reads()
    {
        var ct = TestContext.Current.CancellationToken;

        using var resources = JsonDocument.Parse(await lab.Control.GetStringAsync(ControlApiRoutes.Resources, ct));
        var worker = resources.RootElement[0];
        Assert.Equal(["endpoints", "health", "instances", "message", "name", "pid", "replicas", "state", "type"], Names(worker));
        Assert.Equal(["endpoint", "environment", "exitCode", "health", "name", "pid", "state"], Names(worker.GetProperty("instances")[0]));
        // The page styles cells by state and health (state-Running, health-Healthy): names, not numbers.
        Assert.Equal("Running", worker.GetProperty("state").GetString());
        Assert.Equal("Healthy", worker.GetProperty("health").GetString());
        using var logs = JsonDocument.Parse(await lab.Control.GetStringAsync(ControlApiRoutes.Logs("worker", 0, 10), ct));
        Assert.Equal(["instance", "isError", "sequence", "text", "timestamp"], Names(logs.RootElement[0]));
    }

    [Fact]
    public async Task Log_lines_are_numbered_so_a_tail_gets_only_newer_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        async Task<IReadOnlyList<ResourceLogLine>> LogsAsync(long after, int last) =>
            (await lab.Control.GetFromJsonAsync(ControlApiRoutes.Logs("worker", after, last), ControlPlaneJsonContext.Default.IReadOnlyListResourceLogLine, ct))!;

        var all = await LogsAsync(0, 100);
        Assert.Equal([1L, 2, 3, 4], all.Select(l => l.Sequence));
        Assert.Equal(2, all.Count(l => l.IsError && l.Text == "warming up"));
        Assert.Equal(["worker-0", "worker-1"], all.Where(l => l.Text.StartsWith("listening on ", StringComparison.Ordinal)).Select(l => l.Instance).Order());
        Assert.All(all, l => Assert.InRange(l.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow));

        Assert.Equal([3L, 4], (await LogsAsync(2, 100)).Select(l => l.Sequence));
        Assert.Equal([4L], (await LogsAsync(0, 1)).Select(l => l.Sequence));
        Assert.Empty(await LogsAsync(4, 100));
    }

    [Fact]
    public async Task The_state_folder_holds_what_the_cli_reads()
    {
        var ct = TestContext.Current.CancellationToken;
        var state = lab.App.StateDirectory!;

        var info = JsonSerializer.Deserialize(await File.ReadAllTextAsync(Path.Combine(state, LabStateFolder.AppHostFile), ct),
            ControlPlaneJsonContext.Default.AppHostInfo)!;
        Assert.Equal(lab.App.ControlUrl, new Uri(info.ControlUrl));
        Assert.Equal(Environment.ProcessId, info.Pid);
        Assert.Equal(state, info.StateDirectory);
        Assert.Equal(2, info.Endpoints["worker"].Count);
        var parameters = JsonSerializer.Deserialize(await File.ReadAllTextAsync(Path.Combine(state, LabStateFolder.ParametersFile), ct),
            ControlPlaneJsonContext.Default.DictionaryStringString)!;
        Assert.Equal(22, parameters[LabStateFolder.ApiKeyParameter].Length);
    }

    private static string Json(ResourceView view) => JsonSerializer.Serialize(view, ControlPlaneJsonContext.Default.ResourceView);

    private static List<string> Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
}
