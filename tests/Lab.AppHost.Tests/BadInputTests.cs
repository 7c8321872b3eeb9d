using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Lab.Contracts.ControlPlane;
using Lab.Hosting;
using Lab.Hosting.Native;
using Lab.Hosting.Testing;

namespace Lab.AppHost.Tests;

/// <summary>What a user sees when something is wrong: the message names the problem and what to do.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task An_unknown_apphost_option_exits_with_code_2_and_lists_the_valid_ones()
    {
        var (exitCode, _, stderr) = await RunAppHostAsync(["--wrokers", "4"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("Unknown option '--wrokers'", stderr);
        foreach (var valid in new[] { "--port", "--fresh", "--publisher", "--state-dir", "--workers", "--lab-api-key" })
        {
            Assert.Contains(valid, stderr);
        }
    }

    [Fact]
    public async Task A_taken_control_port_names_the_control_api_and_the_port()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var state = new TemporaryDirectory("lab-badinput-");

        var (exitCode, _, stderr) = await RunAppHostAsync(["--port", port.ToString(), "--state-dir", state.Path]);

        Assert.Equal(1, exitCode);
        Assert.Contains("control API", stderr);
        Assert.Contains(port.ToString(), stderr);
    }

    [Fact]
    public async Task A_taken_fixed_endpoint_port_names_the_resource_and_the_port()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddExecutable("pinned", "/bin/sleep", ".", "30").WithHttpEndpoint(port: port);
        await using var app = await builder.BuildAsync(TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<PortInUseException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("'pinned'", error.Message);
        Assert.Contains(port.ToString(), error.Message);
        Assert.Empty(app.ProcessIds);
    }

    [Fact]
    public async Task Missing_server_binaries_fail_with_the_install_command()
    {
        using var empty = new TemporaryDirectory("lab-nobin-");
        await using var redisOnly = DistributedApplicationTestingBuilder.Create("--bin-path", empty.Path);
        redisOnly.AddRedis("redis");
        await using var redisApp = await redisOnly.BuildAsync(TestContext.Current.CancellationToken);
        await using var postgresOnly = DistributedApplicationTestingBuilder.Create("--bin-path", empty.Path);
        postgresOnly.AddPostgres("postgres");
        await using var postgresApp = await postgresOnly.BuildAsync(TestContext.Current.CancellationToken);

        var redis = await Assert.ThrowsAsync<MissingDependencyException>(() => redisApp.StartAsync(TestContext.Current.CancellationToken));
        var postgres = await Assert.ThrowsAsync<MissingDependencyException>(() => postgresApp.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("sudo apt-get install -y redis-server", redis.Message);
        Assert.Contains("sudo apt-get install -y postgresql", postgres.Message);
    }

    [Fact]
    public async Task The_apphost_itself_reports_missing_binaries_with_the_install_command()
    {
        using var empty = new TemporaryDirectory("lab-nobin-");

        var (exitCode, _, stderr) = await RunAppHostAsync(["--bin-path", empty.Path, "--port", "0", "--state-dir", empty.Path]);

        Assert.Equal(1, exitCode);
        Assert.Contains("apt-get install", stderr);
    }

    [Fact]
    public async Task A_process_that_crashes_at_start_is_Exited_with_its_last_lines_while_the_others_keep_running()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var builder = DistributedApplicationTestingBuilder.Create();
        var redis = builder.AddRedis("redis");
        builder.AddExecutable("crasher", "/bin/sh", ".", "-c", "echo loading model; echo 'fatal: model file not found' >&2; exit 3")
            .WaitFor(redis);
        builder.AddExecutable("survivor", "/bin/sleep", ".", "300").WaitFor(redis);
        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);

        var crashed = await app.ResourceNotifications.WaitForResourceAsync("crasher", s => s.IsTerminal, ct).WaitAsync(TimeSpan.FromMinutes(1), ct);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("survivor", ct).WaitAsync(TimeSpan.FromMinutes(1), ct);

        Assert.Equal(ResourceState.Exited, crashed.State);
        Assert.Equal(3, crashed.Instances[0].ExitCode);
        Assert.Contains("exited with code 3", crashed.Message);
        Assert.Contains("fatal: model file not found", crashed.Message);
        Assert.Contains("fatal: model file not found", builder.ConsoleOutput);
        Assert.True(app.ResourceNotifications.Get("redis")!.IsReady);
        Assert.True(app.ResourceNotifications.Get("survivor")!.IsReady);
        await Assert.ThrowsAsync<DistributedApplicationException>(() => app.ResourceNotifications.WaitForResourceHealthyAsync("crasher", ct));
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAppHostAsync(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(new Projects.Lab_AppHost().AssemblyPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }
}
