// The closed vocabularies an experiment file may use: arrival kinds, metric names and vLLM server flags.
namespace Lab.Experiments.Definitions;

public static class KnownNames
{
    public static readonly IReadOnlyList<string> ArrivalKinds = ["constant", "poisson", "gamma", "bursts", "trace"];

    /// <summary>Metric names the summaries and UI know how to show (the summary names plus their raw counters).</summary>
    public static readonly IReadOnlyList<string> Metrics =
    [
        "scheduled", "completed_requests", "successful_requests", "dropped", "dropped_fraction", "generated_tokens",
        "requests_per_second", "generation_tokens_per_second", "goodput",
        "estimated_run_cost", "cost_per_1k_successful", "cost_per_1m_tokens",
        "p50_latency_s", "p95_latency_s", "p99_latency_s", "ttft", "tpot", "itl", "schedule_lateness", "slo",
    ];

    /// <summary>vLLM engine flags the lab understands (names as on vLLM's command line, without the dashes).</summary>
    public static readonly IReadOnlyList<string> ServerArgs =
    [
        "max-num-seqs", "max-num-batched-tokens", "gpu-memory-utilization", "max-model-len", "block-size",
        "enable-chunked-prefill", "enable-prefix-caching", "tensor-parallel-size", "kv-cache-dtype", "dtype",
        "quantization", "max-num-queued-reqs", "max-num-queued-tokens",
    ];

    public static readonly IReadOnlyList<string> IntegerServerArgs =
        ["max-num-seqs", "max-num-batched-tokens", "max-model-len", "block-size", "tensor-parallel-size", "max-num-queued-reqs",
            "max-num-queued-tokens"];
}
