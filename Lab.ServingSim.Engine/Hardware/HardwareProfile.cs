// One calibrated GPU x model pairing: memory budget and the step-time coefficients, with where each number came from.
using System.Text.Json.Serialization;

namespace Lab.ServingSim.Engine.Hardware;

public sealed record HardwareProfile
{
    [JsonPropertyName("gpu")] public required string Gpu { get; init; }
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("model_aliases")] public IReadOnlyList<string> ModelAliases { get; init; } = [];
    [JsonPropertyName("dtype")] public string Dtype { get; init; } = "";

    /// <summary>As the data file has it: absent means 1, vLLM's default.</summary>
    [JsonPropertyName("tensor_parallel_size")] public int? TensorParallel { get; init; }

    /// <summary>GPUs one replica spans (vLLM --tensor-parallel-size); the coefficients are for the whole group.</summary>
    [JsonIgnore] public int TensorParallelSize => TensorParallel ?? 1;
    [JsonPropertyName("gpu_memory_bytes")] public required long GpuMemoryBytes { get; init; }
    [JsonPropertyName("weights_bytes")] public required long WeightsBytes { get; init; }
    [JsonPropertyName("kv_bytes_per_token")] public required long KvBytesPerToken { get; init; }
    [JsonPropertyName("max_model_len")] public required int MaxModelLen { get; init; }
    [JsonPropertyName("t_fixed_ms")] public required double TFixedMs { get; init; }
    [JsonPropertyName("t_mem_ms")] public required double TMemMs { get; init; }
    [JsonPropertyName("s_mem_ms_per_token")] public required double SMemMsPerToken { get; init; }
    [JsonPropertyName("t_0_ms")] public required double T0Ms { get; init; }
    [JsonPropertyName("s_cmp_ms_per_token")] public required double SCmpMsPerToken { get; init; }
    [JsonPropertyName("k_kv_ms_per_context_token")] public required double KKvMsPerContextToken { get; init; }
    [JsonPropertyName("k_pf_ms_per_pair")] public required double KPfMsPerPair { get; init; }
    [JsonPropertyName("sources")] public IReadOnlyDictionary<string, string> Sources { get; init; } = new Dictionary<string, string>();

    /// <summary>True when name is this profile's model id or one of its aliases (case-insensitive).</summary>
    public bool Serves(string name) =>
        string.Equals(Model, name, StringComparison.OrdinalIgnoreCase)
        || ModelAliases.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>KV blocks as vLLM sizes them: floor((memory x utilization - weights) / (bytes per token x block size)).</summary>
    public int KvBlocks(double gpuMemoryUtilization, int blockSize)
    {
        var free = GpuMemoryBytes * gpuMemoryUtilization - WeightsBytes;
        return free <= 0 ? 0 : (int)Math.Min(int.MaxValue, Math.Floor(free / ((double)KvBytesPerToken * blockSize)));
    }
}

/// <summary>The data file's root.</summary>
public sealed record HardwareProfileFile(
    [property: JsonPropertyName("about")] string About,
    [property: JsonPropertyName("entries")] IReadOnlyList<HardwareProfile> Entries);

[JsonSerializable(typeof(HardwareProfileFile))]
internal sealed partial class HardwareProfileJsonContext : JsonSerializerContext;
