// An AppHost killed with SIGKILL cannot remove its .lab/apphost.json: the CLI must see that its process is gone and say
// so, not call the URLs it left behind (by then another program may listen there).
using System.Net;
using Lab.Cli.Connection;
using Lab.Contracts.ControlPlane;
using Lab.Testing.Processes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lab.Cli.Tests;

public sealed class StaleAppHostTests
{
    [Fact]
    public async Task A_state_file_of_a_killed_apphost_is_reported_stale_with_how_to_start_the_lab_and_its_urls_are_not_called()
    {
        var ct = TestContext.Current.CancellationToken;
        // What now listens on the dead AppHost's ports: any request it gets is one the CLI should not have made.
        var requests = 0;
        var squatterBuilder = WebApplication.CreateSlimBuilder();
        squatterBuilder.Logging.ClearProviders();
        squatterBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var squatter = squatterBuilder.Build();
        squatter.Run(context =>
        {
            Interlocked.Increment(ref requests);
            context.Response.StatusCode = (int)HttpStatusCode.OK;
            return context.Response.WriteAsync("[]");
        });
        await squatter.StartAsync(ct);
        var url = squatter.Urls.Single();

        // A real process in the AppHost's place, killed the way `kill -9` or the OOM killer would.
        var appHost = NativeProcess.Start("/bin/sleep", ["300"], (_, _) => { });
        var pid = appHost.Pid;
        var root = CliHarness.EmptyDirectory();
        var state = Directory.CreateDirectory(Path.Combine(root, LabStateFolder.Name)).FullName;
        File.WriteAllText(Path.Combine(state, LabStateFolder.AppHostFile), System.Text.Json.JsonSerializer.Serialize(
            new AppHostInfo(url + "/", pid, DateTimeOffset.UtcNow, state,
                new Dictionary<string, IReadOnlyList<string>> { ["orchestrator"] = [url], ["costapi"] = [url] }, null),
            ControlPlaneJsonContext.Default.AppHostInfo));
        System.Diagnostics.Process.GetProcessById(pid).Kill();
        await appHost.Exited.WaitAsync(TimeSpan.FromSeconds(30), ct);
        await appHost.DisposeAsync();

        var services = new CliServices { WorkingDirectory = root, GetEnvironmentVariable = _ => null };
        var status = await CliHarness.RunAsync(["status"], services);
        var list = await CliHarness.RunAsync(["list"], services);

        Assert.Equal(1, status.ExitCode);
        Assert.Contains("The lab is not running", status.FlatError);
        Assert.Contains($"AppHost process {pid}", status.FlatError);
        Assert.Contains("stale", status.FlatError);
        Assert.Contains("./scripts/lab", status.FlatError);
        Assert.Equal(1, list.ExitCode);
        Assert.Contains($"AppHost process {pid}", list.FlatError);
        Assert.Equal(0, Volatile.Read(ref requests));
        Assert.Null(LabState.Resolve(new LabOverrides(null, null, null, null), root, _ => null).Control);
    }
}
