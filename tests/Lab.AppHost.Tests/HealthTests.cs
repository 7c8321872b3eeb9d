using Lab.Contracts.ControlPlane;
using Lab.Hosting;
using Lab.Hosting.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

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

        // Kestrel, not HttpListener: the runtime's managed HttpListener can throw inside Start() under load (a race in
        // HttpEndPointListener), which failed this test in CI before any lab code ran.
        var status = StatusCodes.Status200OK;
        var endpointBuilder = WebApplication.CreateSlimBuilder();
        endpointBuilder.Logging.ClearProviders();
        endpointBuilder.WebHost.UseUrls(app.GetEndpoint("service").ToString());
        await using var endpoint = endpointBuilder.Build();
        endpoint.MapGet("/health", () => Results.StatusCode(Volatile.Read(ref status)));
        await endpoint.StartAsync(ct);

        await app.ResourceNotifications.WaitForResourceHealthyAsync("service", ct).WaitAsync(TimeSpan.FromMinutes(1), ct);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("dependant", ct).WaitAsync(TimeSpan.FromMinutes(1), ct);

        Volatile.Write(ref status, StatusCodes.Status503ServiceUnavailable);
        var unhealthy = await app.ResourceNotifications.WaitForResourceAsync("service", ResourceState.Unhealthy, ct).WaitAsync(TimeSpan.FromMinutes(1), ct);
        Assert.Equal(ResourceHealth.Unhealthy, unhealthy.Health);

        Volatile.Write(ref status, StatusCodes.Status200OK);
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
