// Sends one OpenAI-compatible streaming completion and measures it; never retries (a load generator must not).
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Lab.LoadWorker.Requests;

public sealed record CompletionCall(Uri Target, string Model, string Prompt, int OutputTokens, TimeSpan Timeout);

/// <summary>Timestamps are Stopwatch ticks; the caller maps them onto the run clock.</summary>
public sealed record CompletionResult(
    RequestObservation Observation,
    long SentTimestamp,
    IReadOnlyList<long> ChunkTimestamps,
    long? LastByteTimestamp,
    long? GivenUpTimestamp,
    int? PromptTokens);

public sealed class CompletionRequester(HttpClient http)
{
    public async Task<CompletionResult> SendAsync(CompletionCall call, CancellationToken runCancelled)
    {
        using var timeout = new CancellationTokenSource(call.Timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, runCancelled);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(call.Target, "v1/completions"))
        {
            Content = new ByteArrayContent(Body(call)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            Version = System.Net.HttpVersion.Version11,
        };
        var chunks = new List<long>(call.OutputTokens);
        int? status = null;
        int outputTokens = 0, contentTokens = 0;
        int? promptTokens = null, usageTokens = null;
        string? finish = null;
        var finished = false;
        var sent = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                // Drain the error body so the connection returns to the pool.
                await response.Content.ReadAsByteArrayAsync(linked.Token);
                return Result(Observe(), Stopwatch.GetTimestamp(), Stopwatch.GetTimestamp());
            }
            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (await reader.ReadLineAsync(linked.Token) is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                {
                    continue;
                }
                var data = line.AsSpan(5).Trim();
                if (data.SequenceEqual("[DONE]"))
                {
                    finished = true;
                    break;
                }
                var now = Stopwatch.GetTimestamp();
                ReadEvent(data, now);
            }
            outputTokens = usageTokens ?? contentTokens;
            var last = Stopwatch.GetTimestamp();
            return Result(Observe(), last, finished ? null : last);
        }
        catch (OperationCanceledException) when (runCancelled.IsCancellationRequested)
        {
            return Result(Observe() with { Cancelled = true }, null, Stopwatch.GetTimestamp());
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return Result(Observe() with { TimedOut = true }, null, Stopwatch.GetTimestamp());
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException)
        {
            return Result(Observe() with { TransportError = e.Message }, null, Stopwatch.GetTimestamp());
        }

        RequestObservation Observe() => new(call.OutputTokens, status, StreamFinished: finished, OutputTokens: usageTokens ?? contentTokens, FinishReason: finish);

        CompletionResult Result(RequestObservation observation, long? lastByte, long? givenUp) =>
            new(observation, sent, chunks, lastByte, givenUp, promptTokens);

        void ReadEvent(ReadOnlySpan<char> data, long now)
        {
            using var json = JsonDocument.Parse(data.ToString());
            var root = json.RootElement;
            if (root.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0)
            {
                var choice = choices[0];
                if ((choice.TryGetProperty("text", out var text) || (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out text)))
                    && text.ValueKind == JsonValueKind.String && text.GetString()!.Length > 0)
                {
                    chunks.Add(now);
                    contentTokens++;
                }
                if (choice.TryGetProperty("finish_reason", out var reason) && reason.ValueKind == JsonValueKind.String)
                {
                    finish = reason.GetString();
                }
            }
            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                if (usage.TryGetProperty("completion_tokens", out var completion))
                {
                    usageTokens = completion.GetInt32();
                }
                if (usage.TryGetProperty("prompt_tokens", out var prompt))
                {
                    promptTokens = prompt.GetInt32();
                }
            }
        }
    }

    private static byte[] Body(CompletionCall call)
    {
        using var buffer = new MemoryStream(call.Prompt.Length + 256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", call.Model);
            json.WriteString("prompt", call.Prompt);
            json.WriteNumber("max_tokens", call.OutputTokens);
            // Exactly the case's output length: vLLM's min_tokens and ignore_eos stop an early end-of-sequence.
            json.WriteNumber("min_tokens", call.OutputTokens);
            json.WriteBoolean("ignore_eos", true);
            json.WriteNumber("temperature", 0);
            json.WriteBoolean("stream", true);
            json.WriteStartObject("stream_options");
            json.WriteBoolean("include_usage", true);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
