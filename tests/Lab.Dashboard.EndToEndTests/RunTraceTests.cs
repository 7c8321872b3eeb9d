// One request of a real run, read back from the Aspire dashboard's API: orchestrator → Redis → load worker → GPU twin,
// parented; and web's links for the run open the run's traces on the dashboard's pages.
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting.Testing;
using Lab.Dashboard.Client;

namespace Lab.Dashboard.EndToEndTests;

public sealed partial class LabTelemetryTests
{
    [Fact]
    public async Task One_request_of_a_run_is_traced_from_the_run_through_redis_and_a_worker_to_the_gpu_twins_queue_prefill_and_decode()
    {
        var ct = TestContext.Current.CancellationToken;
        var telemetry = TheLab.Telemetry;
        using var orchestrator = TheLab.App.CreateHttpClient("orchestrator", "http");
        // A hundredth of the steady case: about 26 requests at 22 req/s.
        using var start = await orchestrator.PostAsJsonAsync("/api/runs",
            new { experiment = "cost", @case = "steady-cost-efficiency", profile = "optimized-batched", scale = 0.01, seed = 7 }, ct);
        Assert.True(start.StatusCode == HttpStatusCode.Accepted, await start.Content.ReadAsStringAsync(ct));
        var runId = (await start.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("runId").GetString()!;

        var status = "";
        for (var attempt = 0; attempt < 240 && status is not ("Completed" or "Failed" or "Cancelled"); attempt++)
        {
            await Task.Delay(500, ct);
            var progress = await orchestrator.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}", ct);
            status = progress.GetProperty("status").GetString()!;
            Assert.True(status != "Failed", progress.ToString());
        }
        Assert.Equal("Completed", status);

        // The run's spans all carry its id somewhere, so the run is found from it; wait until one GPU server span's whole
        // ancestry (up to the run span, which is exported last, when the run ends) has arrived from every process.
        var (trace, gpu) = await LabWithDashboard.EventuallyAsync<RunTrace>(async () =>
        {
            var traces = await telemetry.GetTracesWithAttributeAsync("lab.run.id", runId, cancellationToken: ct);
            if (traces.Count != 1)
            {
                return null;
            }
            // The list answers with whole traces already; the trace route is what a trace link opens, so read it there.
            var found = await telemetry.GetTraceAsync(traces[0].TraceId, ct);
            var server = found?.Spans.FirstOrDefault(s => s.Scope == "Lab.ServingSim" && s.Name == "llm_request"
                && found.Ancestors(s).Any(a => a.Scope == "Lab.LoadWorker"));
            return found is { IsComplete: true } && server is not null
                && found.Spans.Any(s => s.Scope == "Lab.Orchestrator" && s.Name.StartsWith("run ", StringComparison.Ordinal))
                ? new RunTrace(found, server)
                : null;
        }, $"the whole trace of run {runId}", seconds: 60);

        // Every span's parent is in the trace, and the trace has exactly one root: the run.
        var root = Assert.Single(trace.Roots);
        Assert.Equal(("orchestrator", "Lab.Orchestrator", SpanKind.Internal), (root.ServiceName, root.Scope, root.Kind));
        Assert.Equal("run cost/steady-cost-efficiency/optimized-batched", root.Name);
        Assert.Equal(runId, root.Attributes["lab.run.id"]);

        // GPU twin: vLLM's llm_request span with the engine's phase timings, under ASP.NET Core's server span, whose
        // parent is the worker's HTTP client span (the traceparent header crossed the process boundary).
        foreach (var phase in new[] { "gen_ai.latency.time_in_queue", "gen_ai.latency.time_in_model_prefill", "gen_ai.latency.time_in_model_decode" })
        {
            Assert.True(double.Parse(gpu.Attributes[phase], CultureInfo.InvariantCulture) >= 0, $"{phase} = {gpu.Attributes[phase]}");
        }
        Assert.True(double.Parse(gpu.Attributes["gen_ai.latency.time_in_model_decode"], CultureInfo.InvariantCulture) > 0);
        Assert.Equal(SpanKind.Server, gpu.Kind);
        var chain = trace.Ancestors(gpu);
        var twinServer = chain[0];
        Assert.Equal((gpu.ServiceName, SpanKind.Server, "Microsoft.AspNetCore"), (twinServer.ServiceName, twinServer.Kind, twinServer.Scope));
        Assert.Equal("/v1/completions", twinServer.Attributes["url.path"]);
        var workerHttp = chain[1];
        Assert.Equal((SpanKind.Client, "System.Net.Http"), (workerHttp.Kind, workerHttp.Scope));
        Assert.StartsWith("loadworker", workerHttp.ServiceName, StringComparison.Ordinal);
        Assert.NotEqual(gpu.ServiceName, workerHttp.ServiceName);

        // Load worker: the gen_ai client span of the request, under the shard's Redis consumer span.
        var request = chain[2];
        Assert.Equal(("Lab.LoadWorker", SpanKind.Client, "text_completion llama-3.1-8b"), (request.Scope, request.Kind, request.Name));
        Assert.Equal(workerHttp.ServiceName, request.ServiceName);
        Assert.Equal(("text_completion", "llama-3.1-8b", runId, "success"),
            (request.Attributes["gen_ai.operation.name"], request.Attributes["gen_ai.request.model"], request.Attributes["lab.run.id"], request.Attributes["lab.outcome"]));
        var consume = chain[3];
        Assert.Equal(("Lab.LoadWorker", SpanKind.Consumer, "process lab:shards"), (consume.Scope, consume.Kind, consume.Name));
        AssertMessaging(consume, "process");

        // Redis: the orchestrator's producer span for the shard, parent of the consumer across the stream (the
        // traceparent travelled in the message), child of the run; the XADD itself is a Redis client span under it.
        var send = chain[4];
        Assert.Equal(("orchestrator", "Lab.Orchestrator", SpanKind.Producer, "send lab:shards"), (send.ServiceName, send.Scope, send.Kind, send.Name));
        AssertMessaging(send, "send");
        Assert.Equal(root.SpanId, send.ParentSpanId);
        var xadd = Assert.Single(trace.Spans, s => s.ParentSpanId == send.SpanId && s.Scope == "OpenTelemetry.Instrumentation.StackExchangeRedis");
        Assert.Equal((SpanKind.Client, "XADD", "redis"), (xadd.Kind, xadd.Name, xadd.Attributes["db.system.name"]));

        // Lab.Web, given the dashboard's address by the AppHost, links the run and each request to the dashboard's pages.
        using var web = TheLab.App.CreateHttpClient("web", "http");
        var runPage = WebUtility.HtmlDecode(await web.GetStringAsync($"/runs/{runId}", ct));
        var runTracesLink = TheLab.Dashboard + DashboardLinks.TracesWithAttribute("lab.run.id", runId);
        var traceLink = TheLab.Dashboard + DashboardLinks.TraceDetail(trace.TraceId);
        var traceHrefs = string.Join(", ", Regex.Matches(runPage, "href=\"([^\"]*traces[^\"]*)\"").Select(m => m.Groups[1].Value).Distinct().Take(5));
        Assert.True(runPage.Contains($"href=\"{runTracesLink}\"", StringComparison.Ordinal), $"no link to {runTracesLink}; the page links {traceHrefs}");
        Assert.True(runPage.Contains($"href=\"{traceLink}\"", StringComparison.Ordinal), $"no link to {traceLink}; the page links {traceHrefs}");

        // Followed in a browser, the run's link lists this one trace and the trace link opens its waterfall.
        var page = await TheLab.LoggedInPageAsync();
        await page.GotoAsync(runTracesLink);
        await page.GetByText(root.Name).First.WaitForAsync();
        var listed = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('tr')].filter(r => r.querySelector('td')).map(r => r.innerText)");
        Assert.True(listed.Length == 1 && listed[0].Contains(root.Name, StringComparison.Ordinal), $"the run's trace list shows: {string.Join(" | ", listed)}");
        await AssertTracePageAsync(page, traceLink, trace, "lab-run-trace.png", telemetry, ct);

        // Health probes never show up as traces.
        foreach (var path in new[] { "/health", "/alive" })
        {
            Assert.Empty(await telemetry.GetTracesWithAttributeAsync("url.path", path, cancellationToken: ct));
        }
    }

    private sealed record RunTrace(DashboardTrace Trace, DashboardSpan GpuServer);

    private static void AssertMessaging(DashboardSpan span, string operation)
    {
        Assert.Equal("redis", span.Attributes["messaging.system"]);
        Assert.Equal("lab:shards", span.Attributes["messaging.destination.name"]);
        Assert.Equal(operation, span.Attributes["messaging.operation.type"]);
        Assert.Equal(operation, span.Attributes["messaging.operation.name"]);
    }
}
