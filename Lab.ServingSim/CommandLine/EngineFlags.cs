// The vLLM flags shared by `serve` and `simulate`, bound to an EngineConfig.
using System.CommandLine;
using Lab.ServingSim.Engine.Hardware;
using Lab.ServingSim.Engine.Scheduling;

namespace Lab.ServingSim.CommandLine;

internal sealed class EngineFlags
{
    public Option<string> Model { get; } = new("--model") { Description = "Model id or Hugging Face name (e.g. llama-3.1-8b, meta-llama/Llama-3.1-8B-Instruct).", DefaultValueFactory = _ => "llama-3.1-8b" };
    public Option<string> Gpu { get; } = new("--gpu") { Description = "Simulated GPU (an entry of hardware-profiles.json, e.g. H100-SXM-80GB).", DefaultValueFactory = _ => "H100-SXM-80GB" };
    public Option<int> MaxNumSeqs { get; } = new("--max-num-seqs") { Description = "Most sequences per engine step.", DefaultValueFactory = _ => 1024 };
    public Option<int> MaxNumBatchedTokens { get; } = new("--max-num-batched-tokens") { Description = "Token budget per engine step.", DefaultValueFactory = _ => 8192 };
    public Option<double> GpuMemoryUtilization { get; } = new("--gpu-memory-utilization") { Description = "Fraction of GPU memory for weights and KV cache.", DefaultValueFactory = _ => 0.9 };
    public Option<int?> MaxModelLen { get; } = new("--max-model-len") { Description = "Prompt plus output limit (default: the model's context length)." };
    public Option<int?> MaxNumQueuedReqs { get; } = new("--max-num-queued-reqs") { Description = "Refuse new requests (503) while this many are in flight, waiting plus running, as vLLM counts them (default: unbounded)." };
    public Option<long?> MaxNumQueuedTokens { get; } = new("--max-num-queued-tokens") { Description = "Refuse new requests (503) while this many prompt tokens are in their prefill phase, as vLLM counts them (default: unbounded)." };
    public Option<int> BlockSize { get; } = new("--block-size") { Description = "Tokens per KV-cache block.", DefaultValueFactory = _ => 16 };
    public Option<int> TensorParallelSize { get; } = new("--tensor-parallel-size") { Description = "GPUs per replica; the twin is calibrated for 1 only.", DefaultValueFactory = _ => 1 };
    public Option<string?> HardwareProfilesFile { get; } = new("--hardware-profiles") { Description = "Calibration file to use instead of the built-in hardware-profiles.json." };

    public IEnumerable<Option> All => [Model, Gpu, MaxNumSeqs, MaxNumBatchedTokens, GpuMemoryUtilization, MaxModelLen, MaxNumQueuedReqs, MaxNumQueuedTokens, BlockSize, TensorParallelSize, HardwareProfilesFile];

    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Builds and validates the engine configuration; ArgumentException/KeyNotFoundException name what to change.</summary>
    public EngineConfig Bind(ParseResult result)
    {
        if (result.GetValue(TensorParallelSize) != 1)
        {
            throw new ArgumentException("--tensor-parallel-size: the twin is calibrated for one GPU per replica; only 1 is accepted.");
        }
        var profiles = result.GetValue(HardwareProfilesFile) is { } file ? HardwareProfiles.Load(file) : HardwareProfiles.Default;
        var config = new EngineConfig
        {
            Hardware = profiles.Find(result.GetValue(Gpu)!, result.GetValue(Model)!),
            MaxNumSeqs = result.GetValue(MaxNumSeqs),
            MaxNumBatchedTokens = result.GetValue(MaxNumBatchedTokens),
            GpuMemoryUtilization = result.GetValue(GpuMemoryUtilization),
            MaxModelLen = result.GetValue(MaxModelLen),
            MaxNumQueuedReqs = result.GetValue(MaxNumQueuedReqs),
            MaxNumQueuedTokens = result.GetValue(MaxNumQueuedTokens),
            BlockSize = result.GetValue(BlockSize),
        };
        config.Validate();
        return config;
    }
}
