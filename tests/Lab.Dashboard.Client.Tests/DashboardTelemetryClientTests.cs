// A request to the GPU twin, read back from the real Aspire dashboard: its trace, its spans, the twin's logs and resource.
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lab.Dashboard.Client.Tests;

public sealed class DashboardTelemetryClientTests
{
    [Fact]
    public async Task A_request_to_the_gpu_twin_is_read_back_from_the_dashboard_with_its_server_and_engine_spans()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper!;
        var clock = Stopwatch.StartNew();
        // The testing builder leaves the dashboard out unless asked; with it, ports are random and a browser token is made.
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Lab_Dashboard_Client_Tests_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = true }, ["DcpPublisher:WaitForResourceCleanup=false"], ct);
        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        await app.ResourceNotifications.WaitForResourceHealthyAsync("gputwin", timeout.Token);
        var loginUrl = await app.GetDashboardUrlAsync(timeout.Token);
        output.WriteLine($"gputwin healthy, dashboard at {loginUrl.GetLeftPart(UriPartial.Authority)}: {clock.Elapsed.TotalSeconds:F1} s");

        using var dashboard = await DashboardTelemetryClient.ConnectAsync(loginUrl, ct);
        // The key the login token was traded for is the one the AppHost gave the dashboard (Dashboard:Api:PrimaryApiKey).
        var apiKey = app.Services.GetRequiredService<IConfiguration>()["AppHost:DashboardApiKey"];
        Assert.False(string.IsNullOrEmpty(apiKey));
        using (var byConfiguredKey = DashboardTelemetryClient.Create(loginUrl, apiKey))
        {
            await byConfiguredKey.GetResourcesAsync(ct);
        }
        using (var withoutKey = DashboardTelemetryClient.Create(loginUrl, apiKey: null))
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => withoutKey.GetResourcesAsync(ct));
            Assert.Contains("refused the API key", refused.Message);
        }

        // The caller's trace id travels in traceparent, so the trace is looked up by an id known beforehand.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var callerSpanId = ActivitySpanId.CreateRandom().ToHexString();
        using var twin = app.CreateHttpClient("gputwin");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { model = "llama-3.1-8b", prompt = "hello there", max_tokens = 8 }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpanId}-01");
        using var response = await twin.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        var completionId = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
        var sent = clock.Elapsed;

        var trace = await EventuallyAsync(async () =>
            await dashboard.GetTraceAsync(traceId, ct) is { } t && t.Spans.Any(s => s.Name == "llm_request") ? t : null,
            $"trace {traceId} with the twin's llm_request span", ct);
        output.WriteLine($"trace readable {(clock.Elapsed - sent).TotalSeconds:F1} s after the response");

        // ASP.NET Core's server span, child of the caller's span, and the engine's span under it.
        var server = Assert.Single(trace.Spans, s => s.Scope == "Microsoft.AspNetCore");
        Assert.Equal(("POST /v1/completions", SpanKind.Server, "gputwin", callerSpanId), (server.Name, server.Kind, server.ServiceName, server.ParentSpanId));
        Assert.Equal("/v1/completions", server.Attributes["url.path"]);
        Assert.Equal("200", server.Attributes["http.response.status_code"]);
        var engine = Assert.Single(trace.Spans, s => s.Name == "llm_request");
        Assert.Equal(("Lab.ServingSim", SpanKind.Server, "gputwin"), (engine.Scope, engine.Kind, engine.ServiceName));
        Assert.Equal([server], trace.Ancestors(engine));
        Assert.Equal(completionId, engine.Attributes["gen_ai.request.id"]);
        Assert.Equal("8", engine.Attributes["gen_ai.usage.completion_tokens"]);
        Assert.True(engine.Duration > TimeSpan.Zero && engine.End <= server.End);
        Assert.False(string.IsNullOrEmpty(engine.ServiceInstanceId));

        // Found again by resource and by a span attribute: how a run's traces are found by lab.run.id.
        Assert.Contains(await dashboard.GetTracesAsync(resource: "gputwin", cancellationToken: ct), t => t.TraceId == traceId);
        var byAttribute = Assert.Single(await dashboard.GetTracesWithAttributeAsync("gen_ai.request.id", completionId, cancellationToken: ct));
        Assert.Equal(traceId, byAttribute.TraceId);
        Assert.Equal(trace.Spans.Count, byAttribute.Spans.Count);
        Assert.Empty(await dashboard.GetTracesWithAttributeAsync("gen_ai.request.id", completionId + "0", cancellationToken: ct));
        Assert.Equal(2, (await dashboard.GetSpansAsync(traceId: traceId, cancellationToken: ct)).Count);
        Assert.Null(await dashboard.GetTraceAsync(ActivityTraceId.CreateRandom().ToHexString(), ct));
        Assert.Empty(await dashboard.GetTracesAsync(resource: "no-such-resource", cancellationToken: ct));

        // The twin's ILogger output arrives as structured logs; its metrics only as a flag (the API has no metrics route).
        var logs = await dashboard.GetLogsAsync(resource: "gputwin", cancellationToken: ct);
        Assert.Contains(logs, l => l.Scope == "Microsoft.Hosting.Lifetime" && l.Message.StartsWith("Now listening on", StringComparison.Ordinal));
        Assert.All(logs, l => Assert.Equal("gputwin", l.ServiceName));
        var resource = await EventuallyAsync(async () =>
            (await dashboard.GetResourcesAsync(ct)).SingleOrDefault(r => r.Name == "gputwin" && r.HasMetrics && r.HasTraces),
            "gputwin with traces and metrics", ct);
        Assert.Equal($"gputwin-{resource.InstanceId}", resource.DisplayName);

        Assert.Equal($"/traces/detail/{traceId}", DashboardLinks.TraceDetail(traceId));
        output.WriteLine($"{loginUrl.GetLeftPart(UriPartial.Authority)}{DashboardLinks.TracesWithAttribute("gen_ai.request.id", completionId)}");
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, CancellationToken ct) where T : class
    {
        // Spans reach the dashboard on the exporter's schedule (OTEL_BSP_SCHEDULE_DELAY=1000 under Aspire).
        for (var attempt = 0; attempt < 60; attempt++)
        {
            if (await probe() is { } found)
            {
                return found;
            }
            await Task.Delay(500, ct);
        }
        throw new TimeoutException($"The dashboard never showed {what} within 30 s.");
    }
}
