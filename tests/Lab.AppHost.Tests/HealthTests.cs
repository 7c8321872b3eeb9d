using System.Net;
using Lab.Hosting;
using Lab.Hosting.Testing;

namespace Lab.AppHost.Tests;

/// <summary>Health polling and WaitFor, with real processes and a health endpoint the test controls.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task A_failing_health_endpoint_turns_a_running_resource_Unhealthy_and_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var builder = DistributedApplicationTestingBuilder.Create();
        var service = builder.AddExecutable("service", "/bin/sleep", ".", "300").WithHttpHealthCheck("/health");
        builder.AddExecutable("dependant", "/bin/sleep", ".", "300").WaitFor(service);
        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);

        // The process runs but nothing answers /health yet: Running, not healthy, and the dependant is held.
        await app.ResourceNotifications.WaitForResourceAsync("service", ResourceState.Running, ct).WaitAsync(TimeSpan.FromMinutes(1), ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        Assert.NotEqual(ResourceHealth.Healthy, app.ResourceNotifications.Get("service")!.Health);
        Assert.Equal(ResourceState.Waiting, app.ResourceNotifications.Get("dependant")!.State);

        var status = HttpStatusCode.OK;
        using var listener = new HttpListener();
        listener.Prefixes.Add(app.GetEndpoint("service") + "/");
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                var context = await listener.GetContextAsync();
                context.Response.StatusCode = (int)status;
                context.Response.Close();
            }
        }, ct);

        await app.ResourceNotifications.WaitForResourceHealthyAsync("service", ct).WaitAsync(TimeSpan.FromMinutes(1), ct);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("dependant", ct).WaitAsync(TimeSpan.FromMinutes(1), ct);

        status = HttpStatusCode.ServiceUnavailable;
        var unhealthy = await app.ResourceNotifications.WaitForResourceAsync("service", ResourceState.Unhealthy, ct).WaitAsync(TimeSpan.FromMinutes(1), ct);
        Assert.Equal(ResourceHealth.Unhealthy, unhealthy.Health);

        status = HttpStatusCode.OK;
        await app.ResourceNotifications.WaitForResourceAsync("service", s => s.IsReady, ct).WaitAsync(TimeSpan.FromMinutes(1), ct);
    }

    [Fact]
    public async Task A_resource_waiting_for_one_that_crashed_fails_to_start_and_says_why()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var builder = DistributedApplicationTestingBuilder.Create();
        // With a health check it cannot count as healthy before it dies (without one, Running alone is healthy, as in Aspire).
        var crasher = builder.AddExecutable("crasher", "/bin/sh", ".", "-c", "sleep 1; exit 1").WithHttpHealthCheck("/health");
        builder.AddExecutable("dependant", "/bin/sleep", ".", "300").WaitFor(crasher);
        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);

        var dependant = await app.ResourceNotifications.WaitForResourceAsync("dependant", s => s.IsTerminal, ct).WaitAsync(TimeSpan.FromMinutes(1), ct);

        Assert.Equal(ResourceState.FailedToStart, dependant.State);
        Assert.Contains("'crasher'", dependant.Message);
        Assert.DoesNotContain(dependant.Instances, i => i.Pid is not null);
    }
}
