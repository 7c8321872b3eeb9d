// The CLI's view of a running AppHost read from the real thing: a real Aspire AppHost (DCP) with the lab's state folder
// and control API (Lab.Hosting.Local), its resources real processes.
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Lab.Cli.Connection;
using Lab.Contracts.ControlPlane;
using Lab.Hosting.Local;
using Lab.Testing.Processes;

namespace Lab.Cli.Tests;

public sealed class AppHostContractTests
{
    [Fact]
    public async Task States_urls_and_the_key_come_from_what_the_apphost_serves_and_writes()
    {
        var ct = TestContext.Current.CancellationToken;
        using var state = new TemporaryDirectory("lab-contract-");
        var builder = DistributedApplicationTestingBuilder.Create("DcpPublisher:WaitForResourceCleanup=false");
        builder.AddLabState(state.Path, fresh: false, binPath: null, controlPort: 0, dashboard: false);
        builder.AddRememberedSecret(LabStateFolder.ApiKeyParameter);
        builder.AddExecutable("orchestrator", "/bin/sleep", ".", "300").WithHttpEndpoint();
        // Replicas are a .NET program's in Aspire: two of the GPU twin, the smallest service the lab has.
        var twin = Path.Combine(LabState.FindRepositoryRoot(AppContext.BaseDirectory)!, "Lab.ServingSim", "Lab.ServingSim.csproj");
        builder.AddProject("costapi", twin).WithArgs("--model", "llama-3.1-8b", "--gpu", "H100-SXM-80GB").WithHttpEndpoint().WithReplicas(2);
        builder.AddExecutable("crasher", "/bin/sh", ".", "-c", "echo 'no model'; exit 3");
        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        using (var startup = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            startup.CancelAfter(TimeSpan.FromMinutes(2));
            await app.ResourceNotifications.WaitForResourceHealthyAsync("orchestrator", startup.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("costapi", startup.Token);
            await app.ResourceNotifications.WaitForResourceAsync("crasher", KnownResourceStates.TerminalStates, startup.Token);
        }

        // apphost.json trails Aspire's notifications: the control API rewrites it when its own watch sees the endpoints
        // turn active, which may be a moment after this test's watch saw the resources healthy.
        var address = LabState.Read(state.Path);
        for (var tries = 0; tries < 100 && (address.Orchestrator is null || address.CostApi is null); tries++)
        {
            await Task.Delay(100, ct);
            address = LabState.Read(state.Path);
        }
        Assert.Null(address.Stale);
        Assert.Equal(app.GetEndpoint("orchestrator", "http"), address.Orchestrator);
        Assert.Equal(app.GetEndpoint("costapi", "http"), address.CostApi);
        Assert.Equal(22, address.ApiKey!.Length);

        using var http = new HttpClient { BaseAddress = address.Control };
        var resources = (await new AppHostControl(http).GetResourcesAsync(ct)).ToDictionary(r => r.Name);
        // The control API lists resources by name (Aspire's model has no start order); parameters are not resources here.
        Assert.Equal(["costapi", "crasher", "orchestrator"], resources.Keys);
        var costapi = resources["costapi"];
        Assert.True(costapi.IsUp);
        Assert.Equal(("Project", ResourceState.Running, "Healthy", 2), (costapi.Type, costapi.State, costapi.Health, costapi.Replicas));
        Assert.Equal(address.Endpoints["costapi"], costapi.Endpoints);
        Assert.NotNull(costapi.Pid);
        Assert.Equal("Executable", resources["orchestrator"].Type);
        var crasher = resources["crasher"];
        Assert.True(crasher.HasFailed);
        Assert.False(crasher.IsUp);
        Assert.Contains("exited with 3", crasher.Message);
        await WaitForAsync(async () => (await new AppHostControl(http).GetResourcesAsync(ct)).Single(r => r.Name == "crasher").Message!.Contains("no model"), ct);
    }

    /// <summary>Polls for what the control API shows a moment after Aspire does (the crasher's last console line).</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition, CancellationToken ct)
    {
        for (var tries = 0; tries < 100 && !await condition(); tries++)
        {
            await Task.Delay(100, ct);
        }
        Assert.True(await condition(), "The condition never held within 10 s.");
    }
}
