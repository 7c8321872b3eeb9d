// Lab.Web's trace links as the AppHost declares them: the dashboard's pages in a local run, the AppHost's configuration when set.
using Lab.Hosting.ApplicationModel;
using Lab.Hosting.Orchestration;
using Lab.Hosting.Testing;

namespace Lab.AppHost.Tests;

public sealed class TraceLinkTests
{
    private static readonly Uri Dashboard = new("http://127.0.0.1:18889");

    private static async Task<(IDistributedApplicationTestingBuilder Builder, ProjectResource Web)> WebAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Lab_AppHost>(TestContext.Current.CancellationToken);
        return (builder, builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "web"));
    }

    [Fact]
    public async Task Web_links_requests_and_runs_to_the_dashboard_the_apphost_started()
    {
        var (builder, web) = await WebAsync();
        await using var _ = builder;

        var env = EnvironmentContract.Callbacks(web, DistributedApplicationOperation.Run, Dashboard);

        Assert.Equal("http://127.0.0.1:18889/traces/{traceId}", env["Lab__TraceLinkTemplate"]);
        Assert.Equal("http://127.0.0.1:18889/traces?attr=lab.run.id={runId}", env["Lab__RunTraceLinkTemplate"]);
    }

    [Fact]
    public async Task Without_a_dashboard_web_gets_no_links_and_when_publishing_neither()
    {
        var (builder, web) = await WebAsync();
        await using var _ = builder;

        Assert.DoesNotContain("Lab__TraceLinkTemplate", EnvironmentContract.Callbacks(web, DistributedApplicationOperation.Run).Keys);
        Assert.DoesNotContain("Lab__RunTraceLinkTemplate", EnvironmentContract.Callbacks(web, DistributedApplicationOperation.Publish).Keys);
    }

    [Fact]
    public async Task The_apphosts_configuration_overrides_the_dashboard_links_for_jaeger_or_tempo()
    {
        var (builder, web) = await WebAsync();
        await using var _ = builder;
        builder.Configuration["Lab:TraceLinkTemplate"] = "http://127.0.0.1:16686/trace/{traceId}";

        var env = EnvironmentContract.Callbacks(web, DistributedApplicationOperation.Run, Dashboard);

        Assert.Equal("http://127.0.0.1:16686/trace/{traceId}", env["Lab__TraceLinkTemplate"]);
        Assert.Equal("http://127.0.0.1:18889/traces?attr=lab.run.id={runId}", env["Lab__RunTraceLinkTemplate"]);
    }
}
