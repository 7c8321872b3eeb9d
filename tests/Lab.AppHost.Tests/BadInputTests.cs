// What a user sees when something is wrong, from the built AppHost: the message names the problem and what to do.
using System.Net;
using System.Net.Sockets;
using Lab.Contracts.ControlPlane;
using Lab.Hosting.Local;
using Lab.Testing.Processes;

namespace Lab.AppHost.Tests;

public sealed class BadInputTests
{
    [Fact]
    public async Task An_unknown_apphost_option_exits_with_code_2_and_lists_the_valid_ones()
    {
        var (exitCode, _, stderr) = await BuiltAppHost.RunAsync("--wrokers", "4");

        Assert.Equal(2, exitCode);
        Assert.Contains("Unknown option '--wrokers'", stderr);
        // Host options and the model's own parameters and replica counts.
        foreach (var valid in new[] { "--port", "--fresh", "--publisher", "--state-dir", "--workers", "--lab-api-key" })
        {
            Assert.Contains(valid, stderr);
        }
    }

    [Fact]
    public async Task A_bad_replica_count_exits_with_code_2_and_names_the_allowed_range()
    {
        var (exitCode, _, stderr) = await BuiltAppHost.RunAsync("--workers", "0");

        Assert.Equal(2, exitCode);
        Assert.Contains("--workers must be a whole number 1-64, not '0'.", stderr);
    }

    [Fact]
    public async Task A_taken_control_port_exits_with_code_1_naming_the_control_api_and_the_port()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var state = new TemporaryDirectory("lab-badinput-");

        var (exitCode, _, stderr) = await BuiltAppHost.RunAsync("--port", port.ToString(), "--state-dir", state.Path, "--no-dashboard");

        Assert.True(exitCode == 1, $"exit {exitCode}: {stderr}");
        Assert.Contains("control API", stderr);
        Assert.Contains($"127.0.0.1:{port}", stderr);
        Assert.Contains("--port", stderr);
        Assert.False(File.Exists(Path.Combine(state.Path, LabStateFolder.AppHostFile)), "apphost.json names an AppHost that never started");
    }

    [Fact]
    public async Task Missing_server_binaries_exit_with_code_1_and_the_install_command()
    {
        using var empty = new TemporaryDirectory("lab-nobin-");

        var (exitCode, _, stderr) = await BuiltAppHost.RunAsync("--bin-path", empty.Path, "--port", "0", "--state-dir", empty.Path, "--no-dashboard");

        Assert.True(exitCode == 1, $"exit {exitCode}: {stderr}");
        Assert.Contains("sudo apt-get install -y redis-server", stderr);
    }

    [Fact]
    public async Task A_process_that_crashes_at_start_is_Exited_with_its_last_lines_while_the_others_keep_running()
    {
        var ct = TestContext.Current.CancellationToken;
        using var state = new TemporaryDirectory("lab-crash-");
        var builder = DistributedApplicationTestingBuilder.Create("DcpPublisher:WaitForResourceCleanup=false");
        builder.AddLabState(state.Path, fresh: false, binPath: null, controlPort: 0, dashboard: false);
        builder.AddExecutable("crasher", "/bin/sh", ".", "-c", "echo loading model; echo 'fatal: model file not found' >&2; exit 3");
        builder.AddExecutable("survivor", "/bin/sleep", ".", "300");
        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(ct);
        startup.CancelAfter(TimeSpan.FromMinutes(1));
        await app.ResourceNotifications.WaitForResourceAsync("crasher", KnownResourceStates.TerminalStates, startup.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("survivor", startup.Token);

        using var control = ControlApi.In(state.Path);
        // The console log reaches the control API a moment after the exit; the message is built from it on each request.
        await control.ResourceAsync("crasher", r => r.Message?.Contains("fatal") == true, ct);
        var resources = await control.ResourcesAsync(ct);
        var byName = resources.ToDictionary(r => r.Name);

        var crasher = byName["crasher"];
        Assert.Equal(ResourceState.Exited, crasher.State);
        Assert.Equal(3, Assert.Single(crasher.Instances).ExitCode);
        Assert.Contains("exited with 3", crasher.Message);
        Assert.Contains("fatal: model file not found", crasher.Message);
        Assert.Equal((ResourceState.Running, ResourceHealth.Healthy), (byName["survivor"].State, byName["survivor"].Health));
    }
}
