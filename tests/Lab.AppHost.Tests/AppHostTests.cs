// The whole AppHost on real Aspire (DCP runs every service): native Redis and PostgreSQL, every service a process.
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Lab.AppHost.Testing;
using Lab.Contracts.ControlPlane;

namespace Lab.AppHost.Tests;

public sealed class AppHostTests
{
    [Fact]
    public async Task The_whole_lab_comes_up_healthy_wired_and_leaves_no_process_behind()
    {
        var ct = TestContext.Current.CancellationToken;
        int[] pids;
        string appHostFile;
        var lab = await RunningLab.StartAsync(["--no-dashboard"], cancellationToken: ct);
        try
        {
            // What the control API reports is what the CLI will see. Aspire's model has no start order to keep, so the
            // control API lists resources by name.
            using var control = new HttpClient { BaseAddress = lab.ControlUrl };
            var resources = (await control.GetFromJsonAsync(ControlApiRoutes.Resources, ControlPlaneJsonContext.Default.IReadOnlyListResourceView, ct))!;
            Assert.Equal(["costapi", "gpu-naive", "gpu-optimized", "labdb", "loadworker", "orchestrator", "postgres", "redis", "web"],
                resources.Select(r => r.Name));
            Assert.All(resources, r => Assert.Equal((r.Name, ResourceState.Running, ResourceHealth.Healthy), (r.Name, r.State, r.Health)));
            var loadworker = resources.Single(r => r.Name == "loadworker");
            Assert.Equal(2, loadworker.Replicas);
            // Aspire puts replicas behind one proxied endpoint: two instances, one URL.
            Assert.Equal(2, loadworker.Instances.Count);
            Assert.Single(loadworker.Endpoints);
            // A database is a value on its server, not a process.
            pids = [.. resources.SelectMany(r => r.Instances).Select(i => i.Pid).OfType<int>().Distinct()];
            Assert.True(pids.Length == 9, $"redis, postgres, 2 gpu, costapi, orchestrator, 2 loadworkers, web; got {pids.Length}:{Environment.NewLine}{Describe(resources)}");
            Assert.All(pids, pid => Assert.True(IsAlive(pid), $"Process {pid} is listed but not running."));

            using var costapi = lab.App.CreateHttpClient("costapi");
            using var db = JsonDocument.Parse(await costapi.GetStringAsync("/api/diagnostics/db", ct));
            Assert.Equal("labdb", db.RootElement.GetProperty("database").GetString());
            Assert.StartsWith("PostgreSQL", db.RootElement.GetProperty("serverVersion").GetString());

            using var orchestrator = lab.App.CreateHttpClient("orchestrator");
            using var roundTrip = await orchestrator.PostAsync("/api/diagnostics/redis-roundtrip", null, ct);
            roundTrip.EnsureSuccessStatusCode();
            using var redis = JsonDocument.Parse(await roundTrip.Content.ReadAsStringAsync(ct));
            Assert.Equal(redis.RootElement.GetProperty("written").GetString(), redis.RootElement.GetProperty("read").GetString());

            using var web = lab.App.CreateHttpClient("web");
            using var viaDiscovery = JsonDocument.Parse(await web.GetStringAsync("/api/diagnostics/costapi", ct));
            Assert.Equal(200, viaDiscovery.RootElement.GetProperty("statusCode").GetInt32());
            Assert.Contains("\"database\":\"labdb\"", viaDiscovery.RootElement.GetProperty("body").GetString());

            appHostFile = Path.Combine(lab.StateDirectory, LabStateFolder.AppHostFile);
            Assert.True(File.Exists(appHostFile));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await lab.DisposeAsync();
            throw new Xunit.Sdk.XunitException($"{e.Message}{Environment.NewLine}{lab.Output}");
        }

        // RunningLab stops the app (DCP stops every process) and removes the state folder.
        var stopping = Stopwatch.StartNew();
        await lab.DisposeAsync();
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(60), $"Stopping took {stopping.Elapsed}.");

        // DCP may report the app stopped a moment before its last child is reaped.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (pids.Any(IsAlive) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, ct);
        }
        Assert.All(pids, pid => Assert.False(IsAlive(pid), $"Process {pid} outlived the app."));
        Assert.False(File.Exists(appHostFile), "apphost.json outlived the AppHost.");
    }

    private static string Describe(IEnumerable<ResourceView> resources) =>
        string.Join(Environment.NewLine, resources.Select(r => $"{r.Name}: {string.Join(", ", r.Instances.Select(i => $"{i.Name} pid {i.Pid}"))}"));

    private static bool IsAlive(int pid)
    {
        // A zombie is already dead; only a running process counts.
        var status = $"/proc/{pid}/status";
        try
        {
            return File.Exists(status) && !File.ReadLines(status).Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains('Z'));
        }
        catch (IOException)
        {
            return false;
        }
    }
}
