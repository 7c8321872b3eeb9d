// The one tokenizer of the lab (cl100k_base, shipped by Microsoft.ML.Tokenizers.Data.Cl100kBase): prompts are built and counted with it.
using Microsoft.ML.Tokenizers;

namespace Lab.Experiments.Prompts;

public static class Cl100k
{
    private static readonly Lazy<TiktokenTokenizer> Shared = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    /// <summary>Thread-safe shared instance (loading the vocabulary takes a moment, so it is built once).</summary>
    public static TiktokenTokenizer Tokenizer => Shared.Value;

    public static int Count(string text) => text.Length == 0 ? 0 : Tokenizer.CountTokens(text);

    /// <summary>
    /// Prompt tokens of a chat, counted as Llama 3's template lays it out, each piece with cl100k:
    /// begin_of_text, then per message start_header, role, end_header, "\n\n", content, eot; then the assistant header
    /// (start_header, "assistant", end_header, "\n\n") that the generation continues from.
    /// </summary>
    public static int CountChat(IEnumerable<(string Role, string Content)> messages)
    {
        var total = 1;
        foreach (var (role, content) in messages)
        {
            total += 4 + Count(role) + Count(content);
        }
        return total + 3 + Count("assistant");
    }
}
