// Lab.Web's trace links as the AppHost declares them (TraceLinks.WithTraceLinks): nothing without a dashboard or when
// publishing, and the AppHost's configuration over both. The links into a running Aspire dashboard are followed in
// Chromium by Lab.Dashboard.EndToEndTests (RunTraceTests): they need the dashboard's served port, known only once started.
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
    public async Task Without_a_dashboard_web_gets_no_links()
    {
        // The testing builder starts no dashboard unless asked; --no-dashboard is the same for a user's run.
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
    public async Task The_apphosts_configuration_sets_the_links_for_jaeger_or_tempo()
    {
        var env = await WebEnvironmentAsync(DistributedApplicationOperation.Run, [], configuredTraceLink: "http://127.0.0.1:16686/trace/{traceId}");

        Assert.Equal("http://127.0.0.1:16686/trace/{traceId}", env[TraceKey]);
        // Only what is configured is set: with no dashboard to point at, the run list has no link.
        Assert.DoesNotContain(RunKey, env.Keys);
    }
}
