// Lab.Web's trace links as the AppHost declares them (TraceLinks.WithTraceLinks): the Aspire dashboard's pages in a local
// run, nothing without a dashboard or when publishing, and the AppHost's configuration over both.
using Lab.Hosting.Local.AppHost;
using Lab.Testing.Processes;
using Microsoft.Extensions.DependencyInjection;

namespace Lab.AppHost.Tests;

public sealed class TraceLinkTests : IDisposable
{
    private const string TraceKey = "Lab__TraceLinkTemplate";
    private const string RunKey = "Lab__RunTraceLinkTemplate";
    private readonly TemporaryDirectory _state = new("lab-tracelinks-");

    public void Dispose() => _state.Dispose();

    /// <summary>
    /// web's environment as the AppHost's callbacks set it for <paramref name="operation"/>, on the model built (not
    /// started) from the AppHost with <paramref name="args"/>.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, object>> WebEnvironmentAsync(DistributedApplicationOperation operation, string[] args,
        string? configuredTraceLink = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Lab_AppHost>(["--state-dir", _state.Path, "--port", "0", .. args], ct);
        // The testing builder presets ASPNETCORE_URLS, the dashboard's address, to a stand-in of its own, after the AppHost
        // set its default for a run outside a launch profile (LabAppHostTests in Lab.Hosting.Local.Tests checks that
        // default); put back what `dotnet Lab.AppHost.dll` runs with.
        Assert.NotNull(TraceLinks.DashboardUrl(builder.Configuration));
        builder.Configuration["ASPNETCORE_URLS"] = LabAppHost.DefaultDashboardUrl;
        if (configuredTraceLink is not null)
        {
            builder.Configuration["Lab:TraceLinkTemplate"] = configuredTraceLink;
        }
        await using var app = await builder.BuildAsync(ct);
        var web = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>().Single(r => r.Name == "web");
        var execution = operation == DistributedApplicationOperation.Run
            ? app.Services.GetRequiredService<DistributedApplicationExecutionContext>()
            : new DistributedApplicationExecutionContext(new DistributedApplicationExecutionContextOptions(operation) { Services = app.Services });
        var context = new EnvironmentCallbackContext(execution, web, cancellationToken: ct);
        foreach (var callback in web.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return context.EnvironmentVariables;
    }

    [Fact]
    public async Task Web_links_requests_and_runs_to_the_dashboard_the_apphost_started()
    {
        var env = await WebEnvironmentAsync(DistributedApplicationOperation.Run, []);

        Assert.Equal("http://127.0.0.1:18889/traces/detail/{traceId}", env[TraceKey]);
        Assert.Equal("http://127.0.0.1:18889/traces?filters=lab.run.id:equals:{runId}", env[RunKey]);
    }

    [Fact]
    public async Task Without_a_dashboard_web_gets_no_links()
    {
        var env = await WebEnvironmentAsync(DistributedApplicationOperation.Run, ["--no-dashboard"]);

        Assert.DoesNotContain(TraceKey, env.Keys);
        Assert.DoesNotContain(RunKey, env.Keys);
    }

    [Fact]
    public async Task When_publishing_web_gets_no_links_to_a_local_dashboard()
    {
        var env = await WebEnvironmentAsync(DistributedApplicationOperation.Publish, []);

        Assert.DoesNotContain(TraceKey, env.Keys);
        Assert.DoesNotContain(RunKey, env.Keys);
    }

    [Fact]
    public async Task The_apphosts_configuration_overrides_the_dashboard_links_for_jaeger_or_tempo()
    {
        var env = await WebEnvironmentAsync(DistributedApplicationOperation.Run, [], configuredTraceLink: "http://127.0.0.1:16686/trace/{traceId}");

        Assert.Equal("http://127.0.0.1:16686/trace/{traceId}", env[TraceKey]);
        // Only what is configured is replaced: the run list still points at the dashboard.
        Assert.Equal("http://127.0.0.1:18889/traces?filters=lab.run.id:equals:{runId}", env[RunKey]);
    }
}
