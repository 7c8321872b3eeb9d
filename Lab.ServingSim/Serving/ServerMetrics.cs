// vLLM's Prometheus metrics (names, buckets, model_name label) in the app's own prometheus-net registry, fed from the
// engine thread and exported by GET /metrics.
using System.Text;
using Lab.ServingSim.Engine.Scheduling;
using Prometheus;

namespace Lab.ServingSim.Serving;

internal sealed class ServerMetrics
{
    // Bucket boundaries as vLLM's metrics.py sets them.
    private static readonly double[] TtftBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
    private static readonly double[] TpotBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
    private static readonly double[] RequestLatencyBuckets = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];
    private static readonly double[] IterationTokenBuckets = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];
    private static readonly double[] LatenessBuckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1];

    private readonly CollectorRegistry _registry;
    private readonly Gauge.Child _running, _waiting, _kvCacheUsage, _gpuCacheUsage;
    private readonly Counter.Child _preemptions, _promptTokens, _generationTokens, _successLength, _successStop, _successAbort, _rejected;
    private readonly Histogram.Child _ttft, _tpot, _itl, _e2e, _queue, _inference, _prefill, _decode, _iterationTokens, _lateness;

    /// <param name="registry">This app's registry, so twins sharing a process never share metrics.</param>
    public ServerMetrics(CollectorRegistry registry, string modelName)
    {
        _registry = registry;
        var factory = Metrics.WithCustomRegistry(registry);
        Gauge.Child Gauge(string name, string help) => factory.CreateGauge(Registered(name), help, "model_name").WithLabels(modelName);
        Counter.Child Counter(string name, string help) => factory.CreateCounter(Registered(name), help, "model_name").WithLabels(modelName);
        Histogram.Child Histogram(string name, string help, double[] buckets) => factory
            .CreateHistogram(Registered(name), help, ["model_name"], new HistogramConfiguration { Buckets = buckets }).WithLabels(modelName);

        // Exported in this order, as vLLM lists them.
        _running = Gauge("vllm:num_requests_running", "Number of requests in model execution batches.");
        _waiting = Gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.");
        _kvCacheUsage = Gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.");
        _gpuCacheUsage = Gauge("vllm:gpu_cache_usage_perc", "GPU KV-cache usage (older name of vllm:kv_cache_usage_perc).");
        _preemptions = Counter("vllm:num_preemptions_total", "Cumulative number of preemption from the engine.");
        _promptTokens = Counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.");
        _generationTokens = Counter("vllm:generation_tokens_total", "Number of generation tokens processed.");
        var success = factory.CreateCounter(Registered("vllm:request_success_total"), "Count of successfully processed requests.", "model_name", "finished_reason");
        (_successLength, _successStop, _successAbort) =
            (success.WithLabels(modelName, "length"), success.WithLabels(modelName, "stop"), success.WithLabels(modelName, "abort"));
        _rejected = Counter("labsim:requests_rejected_total", "Twin only: requests refused with 503 by --max-num-queued-reqs/--max-num-queued-tokens.");
        _ttft = Histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", TtftBuckets);
        _tpot = Histogram("vllm:time_per_output_token_seconds", "Histogram of time per output token in seconds.", TpotBuckets);
        _itl = Histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", TpotBuckets);
        _e2e = Histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", RequestLatencyBuckets);
        _queue = Histogram("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", RequestLatencyBuckets);
        _inference = Histogram("vllm:request_inference_time_seconds", "Histogram of time spent in RUNNING phase for request.", RequestLatencyBuckets);
        _prefill = Histogram("vllm:request_prefill_time_seconds", "Histogram of time spent in PREFILL phase for request.", RequestLatencyBuckets);
        _decode = Histogram("vllm:request_decode_time_seconds", "Histogram of time spent in DECODE phase for request.", RequestLatencyBuckets);
        _iterationTokens = Histogram("vllm:iteration_tokens_total", "Histogram of number of tokens per engine_step.", IterationTokenBuckets);
        _lateness = Histogram("labsim:engine_step_lateness_seconds", "Twin only: how late each engine step ended against the step-time model's schedule.", LatenessBuckets);
    }

    public void OnToken(EngineRequest request)
    {
        _generationTokens.Inc();
        if (request.GeneratedTokens > 1)
        {
            var gap = request.LastTokenTime - request.PreviousTokenTime;
            Observe(_tpot, gap);
            Observe(_itl, gap);
        }
    }

    public void OnFinished(EngineRequest request)
    {
        _promptTokens.Inc(request.PromptTokens);
        (request.FinishReason switch
        {
            FinishReason.Length => _successLength,
            FinishReason.Stop => _successStop,
            _ => _successAbort,
        }).Inc();
        if (!double.IsNaN(request.FirstTokenTime))
        {
            Observe(_ttft, request.TimeToFirstToken);
            Observe(_prefill, request.PrefillTime);
            Observe(_decode, request.DecodeTime);
        }
        if (!double.IsNaN(request.FirstScheduledTime))
        {
            Observe(_queue, request.QueueTime);
            Observe(_inference, request.FinishTime - request.FirstScheduledTime);
        }
        Observe(_e2e, request.EndToEnd);
    }

    public void OnRejected() => _rejected.Inc();

    public void OnStep(StepInfo step, double lateness)
    {
        Observe(_iterationTokens, step.Tokens);
        Observe(_lateness, Math.Max(lateness, 0));
    }

    /// <summary>Prometheus text of every metric, with the engine's gauges as they stand at <paramref name="engine"/>.</summary>
    public async Task<string> ExportAsync(EngineSnapshot engine, CancellationToken cancellationToken)
    {
        _running.Set(engine.Running);
        _waiting.Set(engine.Waiting);
        _kvCacheUsage.Set(engine.KvCacheUsage);
        _gpuCacheUsage.Set(engine.KvCacheUsage);
        _preemptions.IncTo(engine.Preemptions);
        using var buffer = new MemoryStream(16 * 1024);
        await _registry.CollectAndExportAsTextAsync(buffer, cancellationToken);
        return WithNamespaceColons(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    // prometheus-net 8 refuses ':' in metric names (Prometheus keeps it for recording rules), but vLLM's names carry it
    // and scrapers match them, so families register as vllm_x / labsim_x and the namespace colon goes back on export.
    private static string Registered(string name) => name.Replace(':', '_');

    private static string WithNamespaceColons(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var name = lines[i].StartsWith("# HELP ", StringComparison.Ordinal) || lines[i].StartsWith("# TYPE ", StringComparison.Ordinal) ? 7 : 0;
            foreach (var ns in (ReadOnlySpan<string>)["vllm_", "labsim_"])
            {
                if (string.CompareOrdinal(lines[i], name, ns, 0, ns.Length) == 0)
                {
                    lines[i] = string.Concat(lines[i].AsSpan(0, name + ns.Length - 1), ":", lines[i].AsSpan(name + ns.Length));
                }
            }
        }
        return string.Join('\n', lines);
    }

    // A time the request never reached is NaN; leaving it out keeps _sum finite.
    private static void Observe(Histogram.Child histogram, double value)
    {
        if (!double.IsNaN(value))
        {
            histogram.Observe(value);
        }
    }
}

/// <summary>The engine's gauges read at one instant.</summary>
internal readonly record struct EngineSnapshot(int Running, int Waiting, double KvCacheUsage, long Preemptions);
