// The vLLM settings the twin honours, with vLLM's defaults for >= 70 GiB GPUs, validated the way vLLM refuses to start.
using Lab.ServingSim.Engine.Hardware;

namespace Lab.ServingSim.Engine.Scheduling;

public sealed record EngineConfig
{
    public required HardwareProfile Hardware { get; init; }

    /// <summary>--max-num-seqs: most sequences in one step.</summary>
    public int MaxNumSeqs { get; init; } = 1024;

    /// <summary>--max-num-batched-tokens: token budget of one step (decode tokens plus prefill chunks).</summary>
    public int MaxNumBatchedTokens { get; init; } = 8192;

    /// <summary>--gpu-memory-utilization: fraction of GPU memory vLLM may use (weights plus KV cache).</summary>
    public double GpuMemoryUtilization { get; init; } = 0.9;

    /// <summary>--block-size: tokens per KV block.</summary>
    public int BlockSize { get; init; } = 16;

    /// <summary>--max-model-len: prompt plus output limit; null means the model's own context length.</summary>
    public int? MaxModelLen { get; init; }

    /// <summary>
    /// --max-num-queued-reqs: requests in flight (waiting plus running) at which new ones are refused (503), as vLLM
    /// counts them (vllm-project/vllm#49445); null is unbounded.
    /// </summary>
    public int? MaxNumQueuedReqs { get; init; }

    /// <summary>
    /// --max-num-queued-tokens: prompt tokens of requests still in their prefill phase (no first token yet) beyond which
    /// new requests are refused (503), as vLLM counts them (vllm-project/vllm#49445); null is unbounded.
    /// </summary>
    public long? MaxNumQueuedTokens { get; init; }

    public int EffectiveMaxModelLen => MaxModelLen ?? Hardware.MaxModelLen;

    public int KvBlocks => Hardware.KvBlocks(GpuMemoryUtilization, BlockSize);

    public long KvTokenCapacity => (long)KvBlocks * BlockSize;

    /// <summary>Throws with a message naming the setting to change, as vLLM does at start-up.</summary>
    public void Validate()
    {
        Require(MaxNumSeqs >= 1, "--max-num-seqs must be at least 1.");
        Require(MaxNumBatchedTokens >= 1, "--max-num-batched-tokens must be at least 1.");
        // vLLM's SchedulerConfig refuses the same: a step must be able to carry one token for every sequence it runs.
        Require(MaxNumBatchedTokens >= MaxNumSeqs,
            $"--max-num-batched-tokens ({MaxNumBatchedTokens}) must be greater than or equal to --max-num-seqs ({MaxNumSeqs}).");
        Require(GpuMemoryUtilization is > 0 and <= 1, "--gpu-memory-utilization must be in (0, 1].");
        Require(BlockSize is 8 or 16 or 32 or 64 or 128, "--block-size must be one of 8, 16, 32, 64, 128.");
        Require(MaxModelLen is null or >= 1, "--max-model-len must be at least 1.");
        Require(MaxNumQueuedReqs is null or >= 0, "--max-num-queued-reqs must be zero or more.");
        Require(MaxNumQueuedTokens is null or >= 0, "--max-num-queued-tokens must be zero or more.");
        Require(KvBlocks > 0,
            $"No available memory for the cache blocks: {Hardware.Model} weights ({Hardware.WeightsBytes / 1073741824.0:F1} GiB) do not fit in " +
            $"{GpuMemoryUtilization} x {Hardware.GpuMemoryBytes / 1073741824.0:F1} GiB. Try increasing --gpu-memory-utilization.");
        Require(EffectiveMaxModelLen <= KvTokenCapacity,
            $"The model's max seq len ({EffectiveMaxModelLen}) is larger than the maximum number of tokens that can be stored in KV cache " +
            $"({KvTokenCapacity}). Try increasing --gpu-memory-utilization or decreasing --max-model-len when initializing the engine.");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
