// OpenAI's response shapes, written field by field in the order OpenAI and vLLM use (chunks, bodies, errors, usage).
using System.Buffers;
using System.Text.Json;
using Lab.ServingSim.Engine.Scheduling;

namespace Lab.ServingSim.Apis;

internal static class OpenAiWire
{
    public static byte[] Error(OpenAiError error) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", error.Message);
        w.WriteString("type", error.Type);
        if (error.Param is null) { w.WriteNull("param"); } else { w.WriteString("param", error.Param); }
        w.WriteNumber("code", error.Status);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>One streamed token: choices[0].text (completions) or choices[0].delta.content (chat).</summary>
    public static byte[] TokenChunk(ResponseHeader header, string? text, bool roleOnly, string? finishReason) => Write(w =>
    {
        Begin(w, header, stream: true);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        if (header.Endpoint == OpenAiEndpoint.Completions)
        {
            w.WriteString("text", text ?? "");
            w.WriteNull("logprobs");
            WriteFinish(w, finishReason);
            w.WriteNull("stop_reason");
        }
        else
        {
            w.WriteStartObject("delta");
            if (roleOnly)
            {
                w.WriteString("role", "assistant");
            }
            w.WriteString("content", text ?? "");
            w.WriteEndObject();
            w.WriteNull("logprobs");
            WriteFinish(w, finishReason);
        }
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>The last chunk when stream_options.include_usage is set: empty choices, usage, and the server's phase timings.</summary>
    public static byte[] UsageChunk(ResponseHeader header, EngineRequest request) => Write(w =>
    {
        Begin(w, header, stream: true);
        w.WriteStartArray("choices");
        w.WriteEndArray();
        WriteUsage(w, request);
        WriteServerTiming(w, request);
        w.WriteEndObject();
    });

    public static byte[] Body(ResponseHeader header, EngineRequest request, string text) => Write(w =>
    {
        Begin(w, header, stream: false);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        if (header.Endpoint == OpenAiEndpoint.Completions)
        {
            w.WriteString("text", text);
            w.WriteNull("logprobs");
            WriteFinish(w, FinishReasonText(request));
            w.WriteNull("stop_reason");
        }
        else
        {
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            w.WriteString("content", text);
            w.WriteEndObject();
            w.WriteNull("logprobs");
            WriteFinish(w, FinishReasonText(request));
        }
        w.WriteEndObject();
        w.WriteEndArray();
        WriteUsage(w, request);
        WriteServerTiming(w, request);
        w.WriteEndObject();
    });

    public static string FinishReasonText(EngineRequest request) => request.PlannedFinishReason == FinishReason.Stop ? "stop" : "length";

    /// <summary>The W3C Server-Timing header value for a finished request (milliseconds).</summary>
    public static string ServerTimingHeader(EngineRequest request) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"queue;dur={Ms(request.QueueTime)}, prefill;dur={Ms(request.PrefillTime)}, decode;dur={Ms(request.DecodeTime)}, ttft;dur={Ms(request.TimeToFirstToken)}, e2e;dur={Ms(request.EndToEnd)}");

    private static void Begin(Utf8JsonWriter w, ResponseHeader header, bool stream)
    {
        w.WriteStartObject();
        w.WriteString("id", header.Id);
        w.WriteString("object", (header.Endpoint, stream) switch
        {
            (OpenAiEndpoint.Completions, _) => "text_completion",
            (OpenAiEndpoint.ChatCompletions, true) => "chat.completion.chunk",
            _ => "chat.completion",
        });
        w.WriteNumber("created", header.Created);
        w.WriteString("model", header.Model);
    }

    private static void WriteFinish(Utf8JsonWriter w, string? finishReason)
    {
        if (finishReason is null) { w.WriteNull("finish_reason"); } else { w.WriteString("finish_reason", finishReason); }
    }

    private static void WriteUsage(Utf8JsonWriter w, EngineRequest request)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", request.PromptTokens);
        w.WriteNumber("total_tokens", request.PromptTokens + request.GeneratedTokens);
        w.WriteNumber("completion_tokens", request.GeneratedTokens);
        w.WriteEndObject();
    }

    /// <summary>Extra field (OpenAI clients ignore unknown fields): the engine's phase timings in milliseconds.</summary>
    private static void WriteServerTiming(Utf8JsonWriter w, EngineRequest request)
    {
        w.WriteStartObject("server_timing");
        w.WriteNumber("queue_ms", Ms(request.QueueTime));
        w.WriteNumber("prefill_ms", Ms(request.PrefillTime));
        w.WriteNumber("decode_ms", Ms(request.DecodeTime));
        w.WriteNumber("ttft_ms", Ms(request.TimeToFirstToken));
        w.WriteNumber("e2e_ms", Ms(request.EndToEnd));
        w.WriteNumber("preemptions", request.Preemptions);
        w.WriteEndObject();
    }

    private static double Ms(double seconds) => double.IsNaN(seconds) ? 0 : Math.Round(seconds * 1000, 3);

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>What every chunk of one response repeats.</summary>
internal sealed record ResponseHeader(OpenAiEndpoint Endpoint, string Id, long Created, string Model);
