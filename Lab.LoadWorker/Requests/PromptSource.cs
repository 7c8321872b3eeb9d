// Prompts of the case's exact token count (cl100k, the tokenizer the twin counts with), different for every request.
using Lab.Experiments.Prompts;

namespace Lab.LoadWorker.Requests;

public sealed class PromptSource
{
    /// <summary>
    /// Each request gets its own text (seeded by run seed and index), so a server's prefix cache cannot skip the
    /// prefill the case asks for, and any worker re-sending a reclaimed request sends the same text.
    /// </summary>
    public string For(int promptTokens, long runSeed, int index) =>
        PromptBuilder.Build(promptTokens, unchecked(runSeed * 1_000_003 + index));
}
