// Text for generated tokens: real cl100k token strings cycled in order, so output reads like words and re-tokenizes sanely.
using Lab.Experiments.Prompts;

namespace Lab.ServingSim.Serving;

internal static class GeneratedText
{
    private const string Source =
        "The serving engine batches requests continuously, so each step shares the GPU between decoding sequences and new prompts. " +
        "Memory for the key value cache is paged in blocks, and when it runs out the newest request is preempted and recomputed later.";

    private static readonly Lazy<string[]> Pieces = new(() =>
        Cl100k.Tokenizer.EncodeToIds(Source).Select(id => Cl100k.Tokenizer.Decode([id])).ToArray());

    /// <summary>The text of the index-th generated token (1-based) of a request.</summary>
    public static string Token(long requestId, int index)
    {
        var pieces = Pieces.Value;
        return pieces[(int)((requestId + index - 1) % pieces.Length)];
    }
}
