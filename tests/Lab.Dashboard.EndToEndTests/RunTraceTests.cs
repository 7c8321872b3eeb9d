// One request of a real run, read back from the dashboard's API: orchestrator → Redis → load worker → GPU twin, parented.
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lab.Dashboard.Apis;
using Lab.Dashboard.Storage;
using Lab.Hosting.Testing;

namespace Lab.Dashboard.Tests;

public sealed partial class LabTelemetryTests
{
    [Fact]
    public async Task One_request_of_a_run_is_traced_from_the_run_through_redis_and_a_worker_to_the_gpu_twins_queue_prefill_and_decode()
    {
        var ct = TestContext.Current.CancellationToken;
        using var orchestrator = TheLab.App.CreateHttpClient("orchestrator");
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
            var traces = await TheLab.Api.GetFromJsonAsync<List<TraceSummary>>($"/api/traces?attr=lab.run.id={runId}", ct);
            if (traces!.Count != 1)
            {
                return null;
            }
            var detail = (await TheLab.Api.GetFromJsonAsync<TraceDetail>($"/api/traces/{traces[0].TraceId}", ct))!;
            var ids = detail.Spans.Select(s => s.SpanId).ToHashSet();
            var complete = detail.Spans.All(s => s.ParentSpanId == "" || ids.Contains(s.ParentSpanId));
            var server = detail.Spans.FirstOrDefault(s => s.Scope == "Lab.ServingSim" && s.Name == "llm_request"
                && Ancestors(detail, s).Any(a => a.Scope == "Lab.LoadWorker"));
            return complete && server is not null && detail.Spans.Any(s => s.Scope == "Lab.Orchestrator" && s.Name.StartsWith("run ", StringComparison.Ordinal))
                ? new RunTrace(detail, server)
                : null;
        }, $"the whole trace of run {runId}", seconds: 60);

        // Every span's parent is in the trace, and the trace has exactly one root: the run.
        Assert.DoesNotContain(trace.Waterfall.Rows, r => r.ParentMissing);
        var root = Assert.Single(trace.Spans, s => s.ParentSpanId == "");
        Assert.Equal(("orchestrator", "Lab.Orchestrator", "Internal"), (root.ServiceName, root.Scope, root.Kind));
        Assert.Equal("run cost/steady-cost-efficiency/optimized-batched", root.Name);
        Assert.Equal(runId, root.Attributes["lab.run.id"]);

        // GPU twin: vLLM's llm_request span with the engine's phase timings, under ASP.NET Core's server span, whose
        // parent is the worker's HTTP client span (the traceparent header crossed the process boundary).
        foreach (var phase in new[] { "gen_ai.latency.time_in_queue", "gen_ai.latency.time_in_model_prefill", "gen_ai.latency.time_in_model_decode" })
        {
            Assert.True(double.Parse(gpu.Attributes[phase], CultureInfo.InvariantCulture) >= 0, $"{phase} = {gpu.Attributes[phase]}");
        }
        Assert.True(double.Parse(gpu.Attributes["gen_ai.latency.time_in_model_decode"], CultureInfo.InvariantCulture) > 0);
        Assert.Equal("Server", gpu.Kind);
        var chain = Ancestors(trace, gpu);
        var twinServer = chain[0];
        Assert.Equal((gpu.ServiceName, "Server", "Microsoft.AspNetCore"), (twinServer.ServiceName, twinServer.Kind, twinServer.Scope));
        Assert.Equal("/v1/completions", twinServer.Attributes["url.path"]);
        var workerHttp = chain[1];
        Assert.Equal(("Client", "System.Net.Http"), (workerHttp.Kind, workerHttp.Scope));
        Assert.StartsWith("loadworker", workerHttp.ServiceName, StringComparison.Ordinal);
        Assert.NotEqual(gpu.ServiceName, workerHttp.ServiceName);

        // Load worker: the gen_ai client span of the request, under the shard's Redis consumer span.
        var request = chain[2];
        Assert.Equal(("Lab.LoadWorker", "Client", "text_completion llama-3.1-8b"), (request.Scope, request.Kind, request.Name));
        Assert.Equal(workerHttp.ServiceName, request.ServiceName);
        Assert.Equal(("text_completion", "llama-3.1-8b", runId, "success"),
            (request.Attributes["gen_ai.operation.name"], request.Attributes["gen_ai.request.model"], request.Attributes["lab.run.id"], request.Attributes["lab.outcome"]));
        var consume = chain[3];
        Assert.Equal(("Lab.LoadWorker", "Consumer", "process lab:shards"), (consume.Scope, consume.Kind, consume.Name));
        AssertMessaging(consume, "process");

        // Redis: the orchestrator's producer span for the shard, parent of the consumer across the stream (the
        // traceparent travelled in the message), child of the run; the XADD itself is a Redis client span under it.
        var send = chain[4];
        Assert.Equal(("orchestrator", "Lab.Orchestrator", "Producer", "send lab:shards"), (send.ServiceName, send.Scope, send.Kind, send.Name));
        AssertMessaging(send, "send");
        Assert.Equal(root.SpanId, send.ParentSpanId);
        var xadd = Assert.Single(trace.Spans, s => s.ParentSpanId == send.SpanId && s.Scope == "OpenTelemetry.Instrumentation.StackExchangeRedis");
        Assert.Equal(("Client", "XADD", "redis"), (xadd.Kind, xadd.Name, xadd.Attributes["db.system.name"]));

        // Lab.Web, given the dashboard's address by the AppHost, links the run and each request to these traces.
        using var web = TheLab.App.CreateHttpClient("web");
        var dashboard = TheLab.Dashboard.Frontend.GetLeftPart(UriPartial.Authority);
        var runPage = WebUtility.HtmlDecode(await web.GetStringAsync($"/runs/{runId}", ct));
        Assert.Contains($"href=\"{dashboard}/traces?attr=lab.run.id={runId}\"", runPage);
        Assert.Contains($"href=\"{dashboard}/traces/{trace.TraceId}\"", runPage);

        // Health probes never show up as traces.
        foreach (var path in new[] { "/health", "/alive" })
        {
            Assert.Empty((await TheLab.Api.GetFromJsonAsync<List<TraceSummary>>($"/api/traces?attr=url.path={path}&limit=5000", ct))!);
        }
    }

    private sealed record RunTrace(TraceDetail Trace, SpanDto GpuServer);

    private static void AssertMessaging(SpanDto span, string operation)
    {
        Assert.Equal("redis", span.Attributes["messaging.system"]);
        Assert.Equal("lab:shards", span.Attributes["messaging.destination.name"]);
        Assert.Equal(operation, span.Attributes["messaging.operation.type"]);
        Assert.Equal(operation, span.Attributes["messaging.operation.name"]);
    }

    /// <summary>Parent, grandparent, … up to the root.</summary>
    private static List<SpanDto> Ancestors(TraceDetail trace, SpanDto span)
    {
        var byId = trace.Spans.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        var chain = new List<SpanDto>();
        while (span.ParentSpanId != "" && byId.TryGetValue(span.ParentSpanId, out var parent) && chain.Count < 64)
        {
            chain.Add(parent);
            span = parent;
        }
        return chain;
    }
}
