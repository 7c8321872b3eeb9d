// vLLM's Prometheus metrics (names, buckets, model_name label), fed from the engine thread, read by GET /metrics.
using System.Globalization;
using System.Text;
using Lab.ServingSim.Engine.Scheduling;

namespace Lab.ServingSim.Serving;

internal sealed class ServerMetrics
{
    // Bucket boundaries as vLLM's metrics.py sets them.
    private static readonly double[] TtftBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
    private static readonly double[] TpotBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
    private static readonly double[] RequestLatencyBuckets = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];
    private static readonly double[] IterationTokenBuckets = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];
    private static readonly double[] LatenessBuckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1];

    private readonly string _labels;
    private readonly PrometheusHistogram _ttft = new("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", TtftBuckets);
    private readonly PrometheusHistogram _tpot = new("vllm:time_per_output_token_seconds", "Histogram of time per output token in seconds.", TpotBuckets);
    private readonly PrometheusHistogram _itl = new("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", TpotBuckets);
    private readonly PrometheusHistogram _e2e = new("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", RequestLatencyBuckets);
    private readonly PrometheusHistogram _queue = new("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", RequestLatencyBuckets);
    private readonly PrometheusHistogram _inference = new("vllm:request_inference_time_seconds", "Histogram of time spent in RUNNING phase for request.", RequestLatencyBuckets);
    private readonly PrometheusHistogram _prefill = new("vllm:request_prefill_time_seconds", "Histogram of time spent in PREFILL phase for request.", RequestLatencyBuckets);
    private readonly PrometheusHistogram _decode = new("vllm:request_decode_time_seconds", "Histogram of time spent in DECODE phase for request.", RequestLatencyBuckets);
    private readonly PrometheusHistogram _iterationTokens = new("vllm:iteration_tokens_total", "Histogram of number of tokens per engine_step.", IterationTokenBuckets);
    private readonly PrometheusHistogram _lateness = new("labsim:engine_step_lateness_seconds", "Twin only: how late each engine step ended against the step-time model's schedule.", LatenessBuckets);
    private long _promptTokens, _generationTokens, _successLength, _successStop, _successAbort, _rejected;

    public ServerMetrics(string modelName) => _labels = $"model_name=\"{modelName.Replace("\"", "\\\"")}\"";

    public void OnToken(EngineRequest request)
    {
        Interlocked.Increment(ref _generationTokens);
        if (request.GeneratedTokens > 1)
        {
            var gap = request.LastTokenTime - request.PreviousTokenTime;
            _tpot.Observe(gap);
            _itl.Observe(gap);
        }
    }

    public void OnFinished(EngineRequest request)
    {
        Interlocked.Add(ref _promptTokens, request.PromptTokens);
        switch (request.FinishReason)
        {
            case FinishReason.Length: Interlocked.Increment(ref _successLength); break;
            case FinishReason.Stop: Interlocked.Increment(ref _successStop); break;
            default: Interlocked.Increment(ref _successAbort); break;
        }
        if (!double.IsNaN(request.FirstTokenTime))
        {
            _ttft.Observe(request.TimeToFirstToken);
            _prefill.Observe(request.PrefillTime);
            _decode.Observe(request.DecodeTime);
        }
        if (!double.IsNaN(request.FirstScheduledTime))
        {
            _queue.Observe(request.QueueTime);
            _inference.Observe(request.FinishTime - request.FirstScheduledTime);
        }
        _e2e.Observe(request.EndToEnd);
    }

    public void OnRejected() => Interlocked.Increment(ref _rejected);

    public void OnStep(StepInfo step, double lateness)
    {
        _iterationTokens.Observe(step.Tokens);
        _lateness.Observe(Math.Max(lateness, 0));
    }

    public string Render(EngineSnapshot engine)
    {
        var text = new StringBuilder(16 * 1024);
        Gauge(text, "vllm:num_requests_running", "Number of requests in model execution batches.", engine.Running);
        Gauge(text, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", engine.Waiting);
        Gauge(text, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", engine.KvCacheUsage);
        Gauge(text, "vllm:gpu_cache_usage_perc", "GPU KV-cache usage (older name of vllm:kv_cache_usage_perc).", engine.KvCacheUsage);
        Counter(text, "vllm:num_preemptions_total", "Cumulative number of preemption from the engine.", engine.Preemptions);
        Counter(text, "vllm:prompt_tokens_total", "Number of prefill tokens processed.", Interlocked.Read(ref _promptTokens));
        Counter(text, "vllm:generation_tokens_total", "Number of generation tokens processed.", Interlocked.Read(ref _generationTokens));
        text.Append("# HELP vllm:request_success_total Count of successfully processed requests.\n# TYPE vllm:request_success_total counter\n");
        foreach (var (reason, value) in new[] { ("length", _successLength), ("stop", _successStop), ("abort", _successAbort) })
        {
            text.Append("vllm:request_success_total{").Append(_labels).Append(",finished_reason=\"").Append(reason).Append("\"} ")
                .Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        Counter(text, "labsim:requests_rejected_total", "Twin only: requests refused with 503 by --max-num-queued-reqs/--max-num-queued-tokens.", Interlocked.Read(ref _rejected));
        foreach (var histogram in new[] { _ttft, _tpot, _itl, _e2e, _queue, _inference, _prefill, _decode, _iterationTokens, _lateness })
        {
            histogram.Write(text, _labels);
        }
        return text.ToString();
    }

    private void Gauge(StringBuilder text, string name, string help, double value) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n")
            .Append(name).Append('{').Append(_labels).Append("} ").Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');

    private void Counter(StringBuilder text, string name, string help, long value) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n")
            .Append(name).Append('{').Append(_labels).Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
}

/// <summary>The engine's gauges read at one instant.</summary>
internal readonly record struct EngineSnapshot(int Running, int Waiting, double KvCacheUsage, long Preemptions);
