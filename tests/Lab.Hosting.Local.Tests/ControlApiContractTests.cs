// What a running Aspire app's control API serves and its state folder holds, read back as Lab.Contracts.ControlPlane's
// types: every field the CLI reads arrives filled in, under the names the contract promises.
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Lab.Contracts.ControlPlane;
using Lab.Hosting.Local.AppHost;

namespace Lab.Hosting.Local.Tests;

/// <summary>A worker that prints a line and an error line, with a secret and a plain variable, and the remembered API key.</summary>
public sealed class RunningWorker : IAsyncLifetime
{
    private IDistributedApplicationTestingBuilder _builder = null!;

    public string StateDirectory { get; } = Directory.CreateTempSubdirectory("lab-contract-").FullName;
    public DistributedApplication App { get; private set; } = null!;
    public HttpClient Control { get; private set; } = null!;
    public Uri ControlUrl { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        _builder = DistributedApplicationTestingBuilder.Create("DcpPublisher:WaitForResourceCleanup=false");
        _builder.AddLabState(StateDirectory, fresh: false, binPath: null, controlPort: 0, dashboard: false);
        _builder.AddRememberedSecret(LabStateFolder.ApiKeyParameter);
        _builder.AddExecutable("worker", "/bin/sh", StateDirectory, "-c", "echo \"listening on $PORT\"; echo 'warming up' >&2; exec sleep 300")
            .WithHttpEndpoint(env: "PORT")
            .WithEnvironment("ConnectionStrings__labdb", "Host=127.0.0.1;Password=hunter2")
            .WithEnvironment("LAB_MODE", "contract");
        App = await _builder.BuildAsync(timeout.Token);
        await App.StartAsync(timeout.Token);
        await App.ResourceNotifications.WaitForResourceAsync("worker", KnownResourceStates.Running, timeout.Token);
        var appHostFile = Path.Combine(StateDirectory, LabStateFolder.AppHostFile);
        Control = new HttpClient();
        while (true)
        {
            // apphost.json appears once the control API listens; the console log reaches it shortly after the start.
            if (File.Exists(appHostFile))
            {
                ControlUrl = new Uri(JsonSerializer.Deserialize(File.ReadAllText(appHostFile), ControlPlaneJsonContext.Default.AppHostInfo)!.ControlUrl);
                Control.BaseAddress ??= ControlUrl;
                var lines = await Control.GetFromJsonAsync(ControlApiRoutes.Logs("worker", 0, 10), ControlPlaneJsonContext.Default.IReadOnlyListResourceLogLine, timeout.Token);
                var worker = await Control.GetFromJsonAsync(ControlApiRoutes.Resource("worker"), ControlPlaneJsonContext.Default.ResourceView, timeout.Token);
                if (lines!.Any(l => l.IsError) && lines!.Any(l => l.Text.StartsWith("listening on ", StringComparison.Ordinal)) && worker!.State == ResourceState.Running && worker.Instances[0].Environment.Count > 0)
                {
                    return;
                }
            }
            await Task.Delay(100, timeout.Token);
        }
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
        Directory.Delete(StateDirectory, recursive: true);
    }
}

public sealed class ControlApiContractTests(RunningWorker lab) : IClassFixture<RunningWorker>
{
    [Fact]
    public async Task Resources_deserialize_with_every_field_the_cli_reads()
    {
        var ct = TestContext.Current.CancellationToken;

        var resources = await lab.Control.GetFromJsonAsync(ControlApiRoutes.Resources, ControlPlaneJsonContext.Default.IReadOnlyListResourceView, ct);
        var worker = Assert.Single(resources!, r => r.Name == "worker");
        var one = await lab.Control.GetFromJsonAsync(ControlApiRoutes.Resource("worker"), ControlPlaneJsonContext.Default.ResourceView, ct);
        Assert.Equal(Json(worker), Json(one!));

        Assert.Equal(("worker", "Executable", ResourceState.Running, 1), (worker.Name, worker.Type, worker.State, worker.Replicas));
        var endpoint = Assert.Single(worker.Endpoints);
        Assert.Matches(@"^http://(127\.0\.0\.1|localhost):\d+/?$", endpoint);
        Assert.Equal(worker.Instances[0].Pid, worker.Pid);
        Assert.Null(worker.Message);
        var instance = Assert.Single(worker.Instances);
        Assert.Equal(worker.Endpoints, [instance.Endpoint!]);
        Assert.Equal(ResourceState.Running, instance.State);
        Assert.NotNull(instance.Pid);
        Assert.Null(instance.ExitCode);
        Assert.Equal("contract", instance.Environment["LAB_MODE"]);
        // The endpoint is DCP's proxy; the worker listens on the target port handed to it in PORT.
        Assert.InRange(int.Parse(instance.Environment["PORT"], CultureInfo.InvariantCulture), 1, 65535);
        Assert.Equal(ResourceInstanceView.MaskedValue, instance.Environment["ConnectionStrings__labdb"]);
        Assert.DoesNotContain("hunter2", await lab.Control.GetStringAsync(ControlApiRoutes.Resources, ct));
    }

    [Fact]
    public async Task The_wire_names_are_the_contracts()
    {
        var ct = TestContext.Current.CancellationToken;

        using var resources = JsonDocument.Parse(await lab.Control.GetStringAsync(ControlApiRoutes.Resource("worker"), ct));
        var worker = resources.RootElement;
        Assert.Equal(["endpoints", "health", "instances", "message", "name", "pid", "replicas", "state", "type"], Names(worker));
        Assert.Equal(["endpoint", "environment", "exitCode", "health", "name", "pid", "state"], Names(worker.GetProperty("instances")[0]));
        // The CLI prints and scripts match state and health by name, not number.
        Assert.Equal("Running", worker.GetProperty("state").GetString());
        using var logs = JsonDocument.Parse(await lab.Control.GetStringAsync(ControlApiRoutes.Logs("worker", 0, 10), ct));
        Assert.Equal(["instance", "isError", "sequence", "text", "timestamp"], Names(logs.RootElement[0]));
    }

    [Fact]
    public async Task Log_lines_are_numbered_so_a_tail_gets_only_newer_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        async Task<IReadOnlyList<ResourceLogLine>> LogsAsync(long after, int last) =>
            (await lab.Control.GetFromJsonAsync(ControlApiRoutes.Logs("worker", after, last), ControlPlaneJsonContext.Default.IReadOnlyListResourceLogLine, ct))!;

        // Aspire adds its own lines ("[sys] Starting process...") to what the worker printed.
        var all = await LogsAsync(0, 100);
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(l => l.Sequence));
        Assert.Single(all, l => l.IsError && l.Text == "warming up");
        Assert.Single(all, l => !l.IsError && l.Text.StartsWith("listening on ", StringComparison.Ordinal));
        Assert.All(all, l => Assert.Equal("worker", l.Instance.Split('-')[0]));
        Assert.All(all, l => Assert.InRange(l.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddSeconds(5)));

        var last = all[^1].Sequence;
        Assert.Equal([last], (await LogsAsync(last - 1, 100)).Select(l => l.Sequence));
        Assert.Equal([last], (await LogsAsync(0, 1)).Select(l => l.Sequence));
        Assert.Empty(await LogsAsync(last, 100));
    }

    [Fact]
    public async Task The_state_folder_holds_what_the_cli_reads()
    {
        var ct = TestContext.Current.CancellationToken;
        var state = lab.StateDirectory;

        var info = JsonSerializer.Deserialize(await File.ReadAllTextAsync(Path.Combine(state, LabStateFolder.AppHostFile), ct),
            ControlPlaneJsonContext.Default.AppHostInfo)!;
        Assert.Equal(lab.ControlUrl, new Uri(info.ControlUrl));
        Assert.Equal(Environment.ProcessId, info.Pid);
        Assert.Equal(state, info.StateDirectory);
        Assert.Single(info.Endpoints["worker"]);
        var parameters = JsonSerializer.Deserialize(await File.ReadAllTextAsync(Path.Combine(state, LabStateFolder.ParametersFile), ct),
            ControlPlaneJsonContext.Default.DictionaryStringString)!;
        Assert.Equal(22, parameters[LabStateFolder.ApiKeyParameter].Length);
    }

    private static string Json(ResourceView view) => JsonSerializer.Serialize(view, ControlPlaneJsonContext.Default.ResourceView);

    private static List<string> Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
}
