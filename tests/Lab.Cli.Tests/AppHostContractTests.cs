// The CLI's view of a running AppHost read from the real thing (Lab.Hosting): its control API and its state folder.
using Lab.Cli.Connection;
using Lab.Contracts.ControlPlane;
using Lab.Hosting;
using Lab.Hosting.Testing;

namespace Lab.Cli.Tests;

public sealed class AppHostContractTests
{
    [Fact]
    public async Task States_urls_and_the_key_come_from_what_the_apphost_serves_and_writes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddParameter(LabStateFolder.ApiKeyParameter, secret: true);
        builder.AddExecutable("orchestrator", "/bin/sleep", ".", "300").WithHttpEndpoint();
        builder.AddExecutable("costapi", "/bin/sleep", ".", "300").WithHttpEndpoint().WithReplicas(2);
        builder.AddExecutable("crasher", "/bin/sh", ".", "-c", "echo 'no model'; exit 3");
        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        using (var startup = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            startup.CancelAfter(TimeSpan.FromMinutes(1));
            await app.ResourceNotifications.WaitForResourceHealthyAsync("orchestrator", startup.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("costapi", startup.Token);
            await app.ResourceNotifications.WaitForResourceAsync("crasher", ResourceState.Exited, startup.Token);
        }

        var address = LabState.Read(app.StateDirectory!);
        Assert.Equal(app.ControlUrl, address.Control);
        Assert.Equal(app.GetEndpoint("orchestrator"), address.Orchestrator);
        Assert.Equal(app.GetEndpoint("costapi"), address.CostApi);
        Assert.Equal(2, address.Endpoints["costapi"].Count);
        Assert.Equal(22, address.ApiKey!.Length);

        using var http = new HttpClient { BaseAddress = address.Control };
        var resources = (await new AppHostControl(http).GetResourcesAsync(ct)).ToDictionary(r => r.Name);
        Assert.Equal(["orchestrator", "costapi", "crasher"], resources.Keys);
        var costapi = resources["costapi"];
        Assert.True(costapi.IsUp);
        Assert.Equal(("Executable", ResourceState.Running, "Healthy", 2), (costapi.Type, costapi.State, costapi.Health, costapi.Replicas));
        Assert.Equal(address.Endpoints["costapi"], costapi.Endpoints);
        Assert.NotNull(costapi.Pid);
        var crasher = resources["crasher"];
        Assert.True(crasher.HasFailed);
        Assert.False(crasher.IsUp);
        Assert.Contains("exited with code 3", crasher.Message);
        Assert.Contains("no model", crasher.Message);
    }
}
