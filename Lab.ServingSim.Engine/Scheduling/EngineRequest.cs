// One request's life inside the engine: its token counts, KV blocks and the timestamps vLLM reports.
namespace Lab.ServingSim.Engine.Scheduling;

public enum RequestState { Created, Waiting, Running, Finished, Aborted, Rejected }

public enum FinishReason { None, Length, Stop, Abort }

public sealed class EngineRequest
{
    /// <param name="id">The caller's identifier (echoed in callbacks).</param>
    /// <param name="promptTokens">Prompt length in tokens.</param>
    /// <param name="outputTokens">Tokens to generate before finishing.</param>
    /// <param name="finishReason">Why it ends after outputTokens: Length (hit max_tokens) or Stop (an EOS point).</param>
    public EngineRequest(long id, int promptTokens, int outputTokens, FinishReason finishReason = FinishReason.Length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(promptTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputTokens, 1);
        Id = id;
        PromptTokens = promptTokens;
        OutputTokens = outputTokens;
        PlannedFinishReason = finishReason;
    }

    public long Id { get; }
    public int PromptTokens { get; }
    public int OutputTokens { get; }
    public FinishReason PlannedFinishReason { get; }

    /// <summary>Free slot for the driver (e.g. the channel that streams tokens to the HTTP response).</summary>
    public object? Tag { get; set; }

    public RequestState State { get; internal set; } = RequestState.Created;
    public FinishReason FinishReason { get; internal set; }
    public int GeneratedTokens { get; internal set; }
    public int Preemptions { get; internal set; }

    public double ArrivalTime { get; internal set; } = double.NaN;
    public double FirstScheduledTime { get; internal set; } = double.NaN;
    public double FirstTokenTime { get; internal set; } = double.NaN;
    public double PreviousTokenTime { get; internal set; } = double.NaN;
    public double LastTokenTime { get; internal set; } = double.NaN;
    public double FinishTime { get; internal set; } = double.NaN;

    public double QueueTime => FirstScheduledTime - ArrivalTime;
    public double PrefillTime => FirstTokenTime - FirstScheduledTime;
    public double DecodeTime => LastTokenTime - FirstTokenTime;
    public double TimeToFirstToken => FirstTokenTime - ArrivalTime;
    public double EndToEnd => FinishTime - ArrivalTime;

    /// <summary>Prompt plus generated tokens: what a recompute after preemption must prefill again.</summary>
    internal int TotalTokens => PromptTokens + GeneratedTokens;

    internal int ComputedTokens;
    internal int Blocks;
    internal int ScheduledTokens;
    internal bool AbortRequested;
}
