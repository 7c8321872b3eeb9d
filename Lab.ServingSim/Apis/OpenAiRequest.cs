// Reads an OpenAI completions / chat request body into what the twin needs, or an OpenAI-shaped error naming the field.
using System.Text.Json;
using Lab.Experiments.Prompts;

namespace Lab.ServingSim.Apis;

internal enum OpenAiEndpoint { Completions, ChatCompletions }

internal sealed record OpenAiRequest(
    OpenAiEndpoint Endpoint,
    string Model,
    int PromptTokens,
    int? MaxTokens,
    int MinTokens,
    bool IgnoreEos,
    bool Stream,
    bool IncludeUsage,
    long? Seed);

internal sealed record OpenAiError(int Status, string Message, string Type, string? Param)
{
    public static OpenAiError BadRequest(string message, string? param = null) => new(400, message, "BadRequestError", param);

    /// <summary>A dead engine answers 500 as vLLM does (EngineDeadError); the message says whether it failed or is shutting down.</summary>
    public static OpenAiError EngineStopped(Exception error) => new(500, error.Message, "InternalServerError", null);
}

internal static class OpenAiRequestReader
{
    public static async Task<(OpenAiRequest? Request, OpenAiError? Error)> ReadAsync(Stream body, OpenAiEndpoint endpoint, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            return (null, OpenAiError.BadRequest($"The request body is not valid JSON: {e.Message}"));
        }
        using (document)
        {
            try
            {
                return (Parse(document.RootElement, endpoint), null);
            }
            catch (RequestFieldException e)
            {
                return (null, OpenAiError.BadRequest(e.Message, e.Param));
            }
        }
    }

    private static OpenAiRequest Parse(JsonElement root, OpenAiEndpoint endpoint)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new RequestFieldException("The request body must be a JSON object.", null);
        }
        var model = OptionalString(root, "model") ?? throw new RequestFieldException("model is required.", "model");
        var promptTokens = endpoint == OpenAiEndpoint.Completions ? CountPrompt(root) : CountMessages(root);
        var maxTokens = OptionalInt(root, endpoint == OpenAiEndpoint.ChatCompletions && Has(root, "max_completion_tokens") ? "max_completion_tokens" : "max_tokens");
        if (maxTokens is < 1)
        {
            throw new RequestFieldException($"max_tokens must be at least 1, got {maxTokens}.", "max_tokens");
        }
        var minTokens = OptionalInt(root, "min_tokens") ?? 0;
        if (minTokens < 0 || (maxTokens is { } max && minTokens > max))
        {
            throw new RequestFieldException($"min_tokens must be between 0 and max_tokens, got {minTokens}.", "min_tokens");
        }
        if (OptionalInt(root, "n") is { } n && n != 1)
        {
            throw new RequestFieldException($"n must be 1 on this server, got {n}.", "n");
        }
        var includeUsage = root.TryGetProperty("stream_options", out var streamOptions)
            && streamOptions.ValueKind == JsonValueKind.Object
            && OptionalBool(streamOptions, "include_usage") == true;
        return new OpenAiRequest(endpoint, model, promptTokens, maxTokens, minTokens, OptionalBool(root, "ignore_eos") ?? false,
            OptionalBool(root, "stream") ?? false, includeUsage, OptionalLong(root, "seed"));
    }

    /// <summary>prompt: a string (counted with cl100k), an array of token ids (counted exactly), or a one-element batch of either.</summary>
    private static int CountPrompt(JsonElement root)
    {
        if (!root.TryGetProperty("prompt", out var prompt) || prompt.ValueKind == JsonValueKind.Null)
        {
            throw new RequestFieldException("prompt is required.", "prompt");
        }
        if (prompt.ValueKind == JsonValueKind.Array && prompt.GetArrayLength() == 1
            && prompt[0].ValueKind is JsonValueKind.String or JsonValueKind.Array)
        {
            prompt = prompt[0];
        }
        var tokens = prompt.ValueKind switch
        {
            JsonValueKind.String => Cl100k.Count(prompt.GetString()!),
            JsonValueKind.Array when prompt.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var id) && id >= 0) => prompt.GetArrayLength(),
            JsonValueKind.Array => throw new RequestFieldException(
                "prompt must be a string, an array of token ids (non-negative integers), or a one-element batch of either; batches of several prompts are not served by the twin.", "prompt"),
            _ => throw new RequestFieldException("prompt must be a string or an array of token ids.", "prompt"),
        };
        return tokens > 0 ? tokens : throw new RequestFieldException("prompt must not be empty.", "prompt");
    }

    private static int CountMessages(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw new RequestFieldException("messages is required: a non-empty array of {role, content}.", "messages");
        }
        var parts = new List<(string, string)>();
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object || OptionalString(message, "role") is not { } role)
            {
                throw new RequestFieldException("Each message needs a string role.", "messages");
            }
            var content = message.TryGetProperty("content", out var c) ? c : default;
            var text = content.ValueKind switch
            {
                JsonValueKind.String => content.GetString()!,
                JsonValueKind.Null or JsonValueKind.Undefined => "",
                // Content parts: the text parts are what a text-only model reads.
                JsonValueKind.Array => string.Concat(content.EnumerateArray()
                    .Where(p => p.ValueKind == JsonValueKind.Object && OptionalString(p, "type") == "text")
                    .Select(p => OptionalString(p, "text") ?? "")),
                _ => throw new RequestFieldException("A message's content must be a string or an array of content parts.", "messages"),
            };
            parts.Add((role, text));
        }
        return Cl100k.CountChat(parts);
    }

    private static bool Has(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    private static string? OptionalString(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new RequestFieldException($"{name} must be a string.", name);

    private static int? OptionalInt(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
        : throw new RequestFieldException($"{name} must be an integer.", name);

    private static long? OptionalLong(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number
        : throw new RequestFieldException($"{name} must be an integer.", name);

    private static bool? OptionalBool(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw new RequestFieldException($"{name} must be true or false.", name);

    private sealed class RequestFieldException(string message, string? param) : Exception(message)
    {
        public string? Param { get; } = param;
    }
}
