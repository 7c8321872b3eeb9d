// Trace context continued into the server span, and one end-to-end stream over a real Kestrel socket.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;

namespace Lab.ServingSim.Tests;

public sealed class TracingAndSocketTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Server_span_continues_the_callers_traceparent_with_vllms_gen_ai_attributes()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            // ASP.NET Core's request span too: the server span may hang under it, and it carries the caller's context.
            ShouldListenTo = source => source.Name is "Lab.ServingSim" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var sim = await TestServingSim.StartAsync();
        var traceId = ActivityTraceId.CreateRandom();
        var parentSpan = ActivitySpanId.CreateRandom();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = new StringContent("{\"model\":\"llama-3.1-8b\",\"prompt\":[1,2,3,4,5],\"max_tokens\":6,\"ignore_eos\":true}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{parentSpan}-01");
        using var response = await sim.Client.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        var requestId = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("id").GetString();

        var span = spans.Single(s => s.TraceId == traceId && s.Source.Name == "Lab.ServingSim");
        Assert.Equal(ActivityKind.Server, span.Kind);
        Assert.Equal("llm_request", span.DisplayName);
        // The parent is the caller's span, or ASP.NET Core's request span that itself continues it.
        var bySpanId = spans.Where(s => s.TraceId == traceId).ToDictionary(s => s.SpanId);
        var ancestors = new List<ActivitySpanId> { span.ParentSpanId };
        while (bySpanId.TryGetValue(ancestors[^1], out var parent))
        {
            ancestors.Add(parent.ParentSpanId);
        }
        Assert.True(ancestors.Contains(parentSpan), $"caller span {parentSpan}; span parent {span.ParentSpanId}; chain {string.Join(" <- ", ancestors)}; parent object {span.Parent?.OperationName}");
        Assert.Equal(5, span.GetTagItem("gen_ai.usage.prompt_tokens"));
        Assert.Equal(6, span.GetTagItem("gen_ai.usage.completion_tokens"));
        Assert.Equal(requestId, span.GetTagItem("gen_ai.request.id"));
        Assert.Equal("llama-3.1-8b", span.GetTagItem("gen_ai.request.model"));
        Assert.Equal(6, span.GetTagItem("gen_ai.request.max_tokens"));
        foreach (var name in new[] { "gen_ai.latency.time_in_queue", "gen_ai.latency.time_to_first_token", "gen_ai.latency.time_in_model_prefill", "gen_ai.latency.time_in_model_decode", "gen_ai.latency.e2e" })
        {
            Assert.IsType<double>(span.GetTagItem(name));
        }
        Assert.True((double)span.GetTagItem("gen_ai.latency.e2e")! >= (double)span.GetTagItem("gen_ai.latency.time_to_first_token")!);
    }

    [Fact]
    public async Task Chat_stream_over_a_real_kestrel_socket_arrives_token_by_token_in_openai_format()
    {
        await using var sim = await TestServingSim.StartAsync(kestrel: true);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model = "llama-3.1-8b",
                messages = new[] { new { role = "user", content = "Tell me about GPUs." } },
                max_tokens = 40,
                min_tokens = 40,
                stream = true,
                stream_options = new { include_usage = true },
            }),
        };
        using var response = await sim.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        var sse = await SseClient.ReadAsync(response, Ct);

        Assert.Empty(sse.Violations);
        Assert.True(sse.Done);
        Assert.Equal(42, sse.Chunks.Count);
        Assert.Equal(40, sse.Chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(sse.Chunks[0].GetProperty("id").GetString(), sse.Chunks[^1].GetProperty("id").GetString());
        Assert.Equal(sse.Chunks[0].GetProperty("id").GetString(), response.Headers.GetValues("X-Request-Id").Single());
    }
}
