using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Lab.Hosting;
using Lab.Hosting.Testing;

namespace Lab.AppHost.Tests;

/// <summary>The whole AppHost through the testing builder: real Redis, PostgreSQL and every service as a process.</summary>
public sealed class AppHostTests
{
    [Fact]
    public async Task The_whole_lab_comes_up_healthy_wired_and_leaves_no_process_behind()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Lab_AppHost>(ct);
        int[] pids;
        {
            await using var app = await builder.BuildAsync(ct);
            await app.StartAsync(ct);
            try
            {
                using var startup = CancellationTokenSource.CreateLinkedTokenSource(ct);
                startup.CancelAfter(TimeSpan.FromMinutes(2));
                await app.WaitForAllHealthyAsync(startup.Token);
            }
            catch (Exception e)
            {
                Assert.Fail($"Not every resource became healthy: {e.Message}{Environment.NewLine}{builder.ConsoleOutput}");
            }

            // What the control API reports is what the CLI and the dashboard will see.
            using var control = new HttpClient { BaseAddress = app.ControlUrl };
            using var resources = JsonDocument.Parse(await control.GetStringAsync("/api/resources", ct));
            var names = resources.RootElement.EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToList();
            Assert.Equal(["redis", "postgres", "labdb", "gpu-naive", "gpu-optimized", "costapi", "orchestrator", "loadworker", "web"], names);
            Assert.All(resources.RootElement.EnumerateArray(), r =>
            {
                Assert.Equal("Running", r.GetProperty("state").GetString());
                Assert.Equal("Healthy", r.GetProperty("health").GetString());
            });
            var loadworker = resources.RootElement.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "loadworker");
            Assert.Equal(2, loadworker.GetProperty("replicas").GetInt32());
            Assert.Equal(2, loadworker.GetProperty("endpoints").GetArrayLength());
            pids = [.. resources.RootElement.EnumerateArray().SelectMany(r => r.GetProperty("instances").EnumerateArray())
                .Select(i => i.GetProperty("pid").GetInt32()).Distinct()];
            Assert.Equal(9, pids.Length); // redis, postgres, 2 gpu, costapi, orchestrator, 2 loadworkers, web

            using var costapi = app.CreateHttpClient("costapi");
            using var db = JsonDocument.Parse(await costapi.GetStringAsync("/api/diagnostics/db", ct));
            Assert.Equal("labdb", db.RootElement.GetProperty("database").GetString());
            Assert.StartsWith("PostgreSQL", db.RootElement.GetProperty("serverVersion").GetString());

            using var orchestrator = app.CreateHttpClient("orchestrator");
            using var roundTrip = await orchestrator.PostAsync("/api/diagnostics/redis-roundtrip", null, ct);
            roundTrip.EnsureSuccessStatusCode();
            using var redis = JsonDocument.Parse(await roundTrip.Content.ReadAsStringAsync(ct));
            Assert.Equal(redis.RootElement.GetProperty("written").GetString(), redis.RootElement.GetProperty("read").GetString());

            using var web = app.CreateHttpClient("web");
            using var viaDiscovery = JsonDocument.Parse(await web.GetStringAsync("/api/diagnostics/costapi", ct));
            Assert.Equal(200, viaDiscovery.RootElement.GetProperty("statusCode").GetInt32());
            Assert.Contains("\"database\":\"labdb\"", viaDiscovery.RootElement.GetProperty("body").GetString());

            var stopping = Stopwatch.StartNew();
            await app.StopAsync(ct);
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(15), $"Stopping took {stopping.Elapsed}.");
        }

        Assert.All(pids, pid => Assert.False(IsAlive(pid), $"Process {pid} outlived the app."));
    }

    private static bool IsAlive(int pid)
    {
        // A zombie is already dead; only a running process counts.
        var status = $"/proc/{pid}/status";
        return File.Exists(status) && !File.ReadLines(status).Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains('Z'));
    }
}
