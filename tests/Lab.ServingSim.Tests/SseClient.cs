// A small OpenAI-style SSE client: reads `data: {json}` events up to `data: [DONE]`, as the openai SDKs do.
using System.Text.Json;

namespace Lab.ServingSim.Tests;

internal static class SseClient
{
    public sealed record Stream(IReadOnlyList<JsonElement> Chunks, bool Done, IReadOnlyList<string> Violations);

    public static async Task<Stream> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var chunks = new List<JsonElement>();
        var violations = new List<string>();
        var done = false;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        string? line;
        var expectBlank = false;
        while ((line = await reader.ReadLineAsync(cancellationToken)) is not null)
        {
            if (expectBlank)
            {
                if (line.Length != 0)
                {
                    violations.Add($"event not followed by a blank line: '{line}'");
                }
                expectBlank = false;
                continue;
            }
            if (done)
            {
                violations.Add($"data after [DONE]: '{line}'");
                continue;
            }
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                violations.Add($"line without 'data: ': '{line}'");
                continue;
            }
            expectBlank = true;
            var payload = line["data: ".Length..];
            if (payload == "[DONE]")
            {
                done = true;
                continue;
            }
            chunks.Add(JsonDocument.Parse(payload).RootElement.Clone());
        }
        return new Stream(chunks, done, violations);
    }
}
