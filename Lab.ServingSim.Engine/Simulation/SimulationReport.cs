// The figures a virtual-time run produces, named as the lab's definitions (Lab.Evidence/README.md).
using System.Text.Json.Serialization;
using Lab.Evidence;

namespace Lab.ServingSim.Engine.Simulation;

/// <summary>p50/p95/p99 (the lab's nearest rank) in whatever unit the values had.</summary>
public readonly record struct LatencySummary(double P50, double P95, double P99)
{
    /// <summary>Sorts the values in place; NaN for none.</summary>
    public static LatencySummary Of(Span<double> values)
    {
        values.Sort();
        return new LatencySummary(NearestRank.Percentile(values, 50), NearestRank.Percentile(values, 95), NearestRank.Percentile(values, 99));
    }

    public LatencySummary Scale(double factor) => new(P50 * factor, P95 * factor, P99 * factor);
}

public sealed record LatencyMs(
    [property: JsonPropertyName("p50")] double P50,
    [property: JsonPropertyName("p95")] double P95,
    [property: JsonPropertyName("p99")] double P99)
{
    public static LatencyMs From(LatencySummary seconds) =>
        new(Math.Round(seconds.P50 * 1000, 3), Math.Round(seconds.P95 * 1000, 3), Math.Round(seconds.P99 * 1000, 3));
}

/// <summary>
/// Latency percentiles (nearest rank) are over all scheduled requests: successful at their e2e, dropped at the time the
/// client gave up (a timeout at its timeout; a request refused by admission limits at the moment of refusal, i.e. 0 in
/// virtual time, so read dropped_rejected beside the percentiles). ttft likewise (a dropped request without a token counts at the give-up time). tpot = (e2e − ttft)/(tokens − 1)
/// over successful requests with two or more tokens; itl over every gap between successive tokens a client received.
/// duration_s runs from the first arrival to the end of the last request.
/// </summary>
public sealed record SimulationReport
{
    [JsonPropertyName("scheduled")] public long Scheduled { get; init; }
    [JsonPropertyName("successful")] public long Successful { get; init; }
    [JsonPropertyName("dropped")] public long Dropped { get; init; }
    [JsonPropertyName("dropped_timeout")] public long DroppedTimeout { get; init; }
    [JsonPropertyName("dropped_rejected")] public long DroppedRejected { get; init; }
    [JsonPropertyName("requests_per_s")] public double RequestsPerSecond { get; init; }
    [JsonPropertyName("output_tokens_per_s")] public double OutputTokensPerSecond { get; init; }
    [JsonPropertyName("ttft_ms")] public required LatencyMs TtftMs { get; init; }
    [JsonPropertyName("tpot_ms")] public required LatencyMs TpotMs { get; init; }
    [JsonPropertyName("itl_ms")] public required LatencyMs ItlMs { get; init; }
    [JsonPropertyName("e2e_ms")] public required LatencyMs E2eMs { get; init; }
    [JsonPropertyName("e2e_successful_ms")] public required LatencyMs E2eSuccessfulMs { get; init; }
    [JsonPropertyName("mean_batch_size")] public double MeanBatchSize { get; init; }
    [JsonPropertyName("max_waiting")] public int MaxWaiting { get; init; }
    [JsonPropertyName("max_running")] public int MaxRunning { get; init; }

    /// <summary>Most tokens any one step scheduled: below --max-num-batched-tokens, that budget never bound.</summary>
    [JsonPropertyName("max_step_tokens")] public int MaxStepTokens { get; init; }
    [JsonPropertyName("preemptions")] public long Preemptions { get; init; }
    [JsonPropertyName("steps")] public long Steps { get; init; }
    [JsonPropertyName("kv_cache_blocks")] public int KvCacheBlocks { get; init; }
    [JsonPropertyName("duration_s")] public double DurationSeconds { get; init; }

    /// <summary>Per-request detail when SimulationOptions.RecordRequests was set.</summary>
    [JsonIgnore] public IReadOnlyList<SimulatedRequest> Requests { get; init; } = [];
}

[JsonSourceGenerationOptions(WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(SimulationReport))]
public sealed partial class SimulationJsonContext : JsonSerializerContext;
