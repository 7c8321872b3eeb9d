// Builds prompt text of exactly N cl100k tokens, seeded, so the load worker sends what a case asks for.
using Lab.Evidence;

namespace Lab.Experiments.Prompts;

public static class PromptBuilder
{
    // Each word below, written with a leading space, is one cl100k token, and cl100k's pre-tokenizer splits " word"
    // runs at every space, so N such words are exactly N tokens. The list is checked against the tokenizer on first use.
    private static readonly string[] Candidates =
    [
        "the", "time", "people", "water", "house", "light", "world", "story", "number", "system", "river", "music",
        "garden", "window", "market", "school", "paper", "table", "green", "small", "large", "early", "model", "value",
        "question", "answer", "power", "energy", "simple", "signal", "memory", "engine", "server", "batch", "token",
        "queue", "cloud", "orange", "silver", "winter", "summer", "morning", "evening", "forest", "mountain", "ocean",
        "letter", "street", "city", "country", "history", "science", "method", "result", "report", "market", "price",
        "budget", "design", "figure", "season", "animal", "travel", "picture", "office", "member", "health", "family",
    ];

    private static readonly Lazy<string[]> Words = new(() =>
    {
        var singles = Candidates.Distinct().Where(w => Cl100k.Count(" " + w) == 1).Select(w => " " + w).ToArray();
        return singles.Length >= 16 ? singles : throw new InvalidOperationException("Too few single-token words for cl100k.");
    });

    /// <summary>Text of exactly tokens cl100k tokens; different seeds give different text (no shared prefix to cache).</summary>
    public static string Build(int tokens, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        var words = Words.Value;
        var random = new SeededRandom(seed);
        var builder = new System.Text.StringBuilder(tokens * 7);
        for (var i = 0; i < tokens; i++)
        {
            builder.Append(words[random.NextInt(words.Length)]);
        }
        var text = builder.ToString();
        var counted = Cl100k.Count(text);
        return counted == tokens
            ? text
            : throw new InvalidOperationException($"PromptBuilder produced {counted} tokens instead of {tokens}; the word list needs checking.");
    }
}
