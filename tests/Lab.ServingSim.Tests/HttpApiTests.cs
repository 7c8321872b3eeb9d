// The OpenAI surface of the real server: streaming format, exact usage, errors, models, health and metrics.
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Lab.Experiments.Prompts;

namespace Lab.ServingSim.Tests;

public sealed class HttpApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpRequestMessage Post(string path, string json) =>
        new(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static async Task<HttpResponseMessage> SendStreamingAsync(HttpClient client, string path, object body) =>
        await client.SendAsync(Post(path, JsonSerializer.Serialize(body)), HttpCompletionOption.ResponseHeadersRead, Ct);

    [Fact]
    public async Task Completions_stream_one_chunk_per_token_then_usage_then_done()
    {
        await using var sim = await TestServingSim.StartAsync();
        var prompt = PromptBuilder.Build(200, seed: 1);

        using var response = await SendStreamingAsync(sim.Client, "/v1/completions", new
        {
            model = "llama-3.1-8b", prompt, max_tokens = 24, ignore_eos = true, stream = true, stream_options = new { include_usage = true },
        });
        var sse = await SseClient.ReadAsync(response, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(sse.Violations);
        Assert.True(sse.Done);
        Assert.Equal(25, sse.Chunks.Count);
        var tokens = sse.Chunks.Take(24).ToList();
        Assert.All(tokens, c =>
        {
            Assert.Equal("text_completion", c.GetProperty("object").GetString());
            Assert.Equal("llama-3.1-8b", c.GetProperty("model").GetString());
            Assert.StartsWith("cmpl-", c.GetProperty("id").GetString());
            Assert.False(string.IsNullOrEmpty(c.GetProperty("choices")[0].GetProperty("text").GetString()));
        });
        Assert.All(tokens.Take(23), c => Assert.Equal(JsonValueKind.Null, c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind));
        Assert.Equal("length", tokens[23].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usage = sse.Chunks[24];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(200, usage.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(24, usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(224, usage.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        var timing = usage.GetProperty("server_timing");
        Assert.True(timing.GetProperty("ttft_ms").GetDouble() > 0);
        Assert.True(timing.GetProperty("e2e_ms").GetDouble() >= timing.GetProperty("ttft_ms").GetDouble());
    }

    [Fact]
    public async Task Chat_stream_opens_with_the_role_and_counts_messages_with_the_tokenizer()
    {
        await using var sim = await TestServingSim.StartAsync();
        var messages = new[] { new { role = "system", content = "You are terse." }, new { role = "user", content = PromptBuilder.Build(100, 2) } };

        using var response = await SendStreamingAsync(sim.Client, "/v1/chat/completions", new
        {
            model = "llama-3.1-8b", messages, max_tokens = 10, stream = true, stream_options = new { include_usage = true },
        });
        var sse = await SseClient.ReadAsync(response, Ct);

        Assert.Empty(sse.Violations);
        Assert.True(sse.Done);
        Assert.Equal(12, sse.Chunks.Count); // role chunk, 10 tokens, usage
        Assert.Equal("assistant", sse.Chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.All(sse.Chunks.Take(11), c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.All(sse.Chunks.Skip(1).Take(10), c => Assert.False(string.IsNullOrEmpty(c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString())));
        Assert.Equal("length", sse.Chunks[10].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var expectedPrompt = Cl100k.CountChat(messages.Select(m => (m.role, m.content)));
        Assert.Equal(expectedPrompt, sse.Chunks[11].GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(10, sse.Chunks[11].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Stream_without_include_usage_ends_with_done_after_the_last_token()
    {
        await using var sim = await TestServingSim.StartAsync();
        using var response = await SendStreamingAsync(sim.Client, "/v1/completions", new { model = "llama-3.1-8b", prompt = "Hello", max_tokens = 3, stream = true });
        var sse = await SseClient.ReadAsync(response, Ct);
        Assert.True(sse.Done);
        Assert.Equal(3, sse.Chunks.Count);
    }

    [Fact]
    public async Task Token_id_prompts_count_exactly_and_non_streaming_bodies_carry_usage_and_server_timing()
    {
        await using var sim = await TestServingSim.StartAsync();
        var ids = Enumerable.Range(100, 333).ToArray();

        using var response = await sim.Client.PostAsJsonAsync("/v1/completions", new { model = "llama-3.1-8b", prompt = ids, max_tokens = 5 }, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(333, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(5, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("length", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Contains("ttft;dur=", response.Headers.GetValues("Server-Timing").Single());
        Assert.True(body.GetProperty("server_timing").GetProperty("decode_ms").GetDouble() > 0);
    }

    [Fact]
    public async Task Chat_non_streaming_returns_an_assistant_message()
    {
        await using var sim = await TestServingSim.StartAsync();
        using var response = await sim.Client.PostAsJsonAsync("/v1/chat/completions",
            new { model = "llama-3.1-8b", messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 4 }, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal("assistant", body.GetProperty("choices")[0].GetProperty("message").GetProperty("role").GetString());
        Assert.Equal(4, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Without_ignore_eos_the_twin_may_stop_early_at_a_seeded_point_and_ignore_eos_or_min_tokens_force_max_tokens()
    {
        await using var sim = await TestServingSim.StartAsync(eosMeanTokens: 4);
        async Task<(int Tokens, string Finish)> RunAsync(object body)
        {
            using var response = await sim.Client.PostAsJsonAsync("/v1/completions", body, Ct);
            var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            return (json.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), json.GetProperty("choices")[0].GetProperty("finish_reason").GetString()!);
        }

        var free = await RunAsync(new { model = "llama-3.1-8b", prompt = "x", max_tokens = 200, seed = 5 });
        Assert.True(free.Tokens < 200);
        Assert.Equal("stop", free.Finish);
        Assert.Equal(free, await RunAsync(new { model = "llama-3.1-8b", prompt = "x", max_tokens = 200, seed = 5 }));
        Assert.Equal((200, "length"), await RunAsync(new { model = "llama-3.1-8b", prompt = "x", max_tokens = 200, seed = 5, ignore_eos = true }));
        Assert.Equal((200, "length"), await RunAsync(new { model = "llama-3.1-8b", prompt = "x", max_tokens = 200, seed = 5, min_tokens = 1 }));
    }

    [Theory]
    [InlineData("/v1/completions", "{\"model\": \"llama-3.1-8b\", \"prompt\": ", null, "not valid JSON")]
    [InlineData("/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": 4}", "model", "model is required")]
    [InlineData("/v1/completions", "{\"model\": \"gpt-4\", \"prompt\": \"hi\"}", "model", "The model `gpt-4` does not exist")]
    [InlineData("/v1/completions", "{\"model\": \"llama-3.1-8b\", \"prompt\": \"hi\", \"max_tokens\": 0}", "max_tokens", "max_tokens must be at least 1, got 0.")]
    [InlineData("/v1/completions", "{\"model\": \"llama-3.1-8b\", \"prompt\": \"hi\", \"max_tokens\": -3}", "max_tokens", "max_tokens must be at least 1, got -3.")]
    [InlineData("/v1/chat/completions", "{\"model\": \"llama-3.1-8b\", \"messages\": []}", "messages", "messages is required")]
    [InlineData("/v1/completions", "{\"model\": \"llama-3.1-8b\", \"max_tokens\": 4}", "prompt", "prompt is required")]
    [InlineData("/v1/completions", "[1, 2]", null, "must be a JSON object")]
    public async Task Bad_requests_answer_400_in_openai_error_shape(string path, string body, string? param, string message)
    {
        await using var sim = await TestServingSim.StartAsync();
        using var response = await sim.Client.SendAsync(Post(path, body), Ct);
        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "BadRequestError", param, message);
    }

    [Fact]
    public async Task Prompt_plus_max_tokens_over_max_model_len_uses_vllms_wording()
    {
        await using var sim = await TestServingSim.StartAsync();
        var ids = Enumerable.Repeat(42, 4000).ToArray();
        using var response = await sim.Client.PostAsJsonAsync("/v1/completions", new { model = "llama-3.1-8b", prompt = ids, max_tokens = 100 }, Ct);
        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "BadRequestError", "max_tokens",
            "This model's maximum context length is 4096 tokens. However, you requested 4100 tokens (4000 in the messages, 100 in the completion). Please reduce the length of the messages or completion.");
    }

    [Fact]
    public async Task Admission_limits_answer_503_and_the_engine_keeps_serving()
    {
        await using var sim = await TestServingSim.StartAsync(TestServingSim.DefaultEngine with { MaxNumQueuedReqs = 0 });
        using var response = await sim.Client.PostAsJsonAsync("/v1/completions", new { model = "llama-3.1-8b", prompt = "hi", max_tokens = 2 }, Ct);
        await AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "ServiceUnavailableError", null, "admission limit");

        using var health = await sim.Client.GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var metrics = await sim.Client.GetStringAsync("/metrics", Ct);
        Assert.Contains("labsim:requests_rejected_total{model_name=\"llama-3.1-8b\"} 1", metrics);
    }

    [Fact]
    public async Task Models_health_and_metrics_describe_the_served_model_and_engine()
    {
        await using var sim = await TestServingSim.StartAsync();
        using (var done = await sim.Client.PostAsJsonAsync("/v1/completions", new { model = "llama-3.1-8b", prompt = new[] { 1, 2, 3 }, max_tokens = 7 }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        }

        var models = await sim.Client.GetFromJsonAsync<JsonElement>("/v1/models", Ct);
        Assert.Equal("llama-3.1-8b", models.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Equal(4096, models.GetProperty("data")[0].GetProperty("max_model_len").GetInt32());
        Assert.Equal("Healthy", await sim.Client.GetStringAsync("/health", Ct));

        var metrics = await sim.Client.GetStringAsync("/metrics", Ct);
        const string label = "{model_name=\"llama-3.1-8b\"}";
        Assert.Contains("vllm:num_requests_running" + label + " 0", metrics);
        Assert.Contains("vllm:num_requests_waiting" + label + " 0", metrics);
        Assert.Contains("vllm:kv_cache_usage_perc" + label + " 0", metrics);
        Assert.Contains("vllm:prompt_tokens_total" + label + " 3", metrics);
        Assert.Contains("vllm:generation_tokens_total" + label + " 7", metrics);
        Assert.Contains("vllm:num_preemptions_total" + label + " 0", metrics);
        Assert.Contains("vllm:request_success_total{model_name=\"llama-3.1-8b\",finished_reason=\"length\"} 1", metrics);
        Assert.Contains("vllm:time_to_first_token_seconds_bucket{model_name=\"llama-3.1-8b\",le=\"0.001\"} 0", metrics);
        Assert.Contains("vllm:time_to_first_token_seconds_bucket{model_name=\"llama-3.1-8b\",le=\"+Inf\"} 1", metrics);
        Assert.Contains("vllm:e2e_request_latency_seconds_count" + label + " 1", metrics);
        Assert.Contains("vllm:request_queue_time_seconds_count" + label + " 1", metrics);
        Assert.Contains("vllm:request_prefill_time_seconds_count" + label + " 1", metrics);
        Assert.Contains("vllm:request_decode_time_seconds_count" + label + " 1", metrics);
        Assert.Contains("# TYPE vllm:e2e_request_latency_seconds histogram", metrics);
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_stream_aborts_its_request_and_frees_the_kv_cache()
    {
        // Over Kestrel and a real socket, as workers reach the twin; the client closes its socket mid-stream, which is
        // what a worker's timeout does to its connection. (Disposing a still-streaming response is not a disconnect:
        // SocketsHttpHandler first drains it for up to 2 s to reuse the connection.)
        await using var sim = await TestServingSim.StartAsync(kestrel: true);
        Socket? socket = null;
        using var client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }) { BaseAddress = sim.Client.BaseAddress };
        using var response = await client.SendAsync(
            Post("/v1/completions", "{\"model\":\"llama-3.1-8b\",\"prompt\":\"hi\",\"max_tokens\":3000,\"stream\":true}"),
            HttpCompletionOption.ResponseHeadersRead, Ct);
        var body = await response.Content.ReadAsStreamAsync(Ct);
        var buffer = new byte[64 * 1024];
        var received = new StringBuilder();
        while (received.ToString().Split("data: ").Length - 1 < 3)
        {
            var read = await body.ReadAsync(buffer, Ct);
            Assert.NotEqual(0, read);
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        var streaming = sim.Loop.Snapshot();
        Assert.Equal(1, streaming.Running);
        Assert.True(streaming.KvCacheUsage > 0, "the streaming request holds KV blocks");

        socket!.Close();

        // 3000 tokens take about 20 s on this profile; the abort frees the request within a step or two of the disconnect.
        await Task.Run(async () =>
        {
            while (sim.Loop.Snapshot() is { Running: > 0 } || sim.Loop.Snapshot().KvCacheUsage > 0)
            {
                await Task.Delay(20, Ct);
            }
        }, Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var metrics = await sim.Client.GetStringAsync("/metrics", Ct);
        Assert.Contains("vllm:request_success_total{model_name=\"llama-3.1-8b\",finished_reason=\"abort\"} 1", metrics);
        Assert.Contains("vllm:request_success_total{model_name=\"llama-3.1-8b\",finished_reason=\"length\"} 0", metrics);
    }

    internal static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string type, string? param, string message)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var error = body.GetProperty("error");
        Assert.Contains(message, error.GetProperty("message").GetString());
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal((int)status, error.GetProperty("code").GetInt32());
        if (param is null)
        {
            Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        }
        else
        {
            Assert.Equal(param, error.GetProperty("param").GetString());
        }
    }
}
