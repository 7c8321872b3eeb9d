// The lab's request metrics, measured where requests are recorded so they follow the lab's definitions (Lab.Evidence/README.md) exactly.
using System.Diagnostics.Metrics;
using Lab.Contracts.Costs;
using Lab.Evidence;

namespace Lab.LoadWorker.Recording;

/// <summary>
/// <c>lab.requests</c> (every scheduled request once, by outcome and drop reason), <c>lab.request.duration</c> (request
/// latency over all scheduled requests: e2e when successful, until given up when dropped), <c>lab.ttft</c> and
/// <c>lab.schedule.lateness</c>; durations in seconds as OpenTelemetry's semantic conventions ask.
/// </summary>
public sealed class WorkerMetrics
{
    public const string MeterName = "Lab.LoadWorker";

    // The SDK's default buckets (0, 5, 10, 25 … 10000) suit milliseconds, not seconds; these cover 0.5 ms to 2 minutes.
    private static readonly double[] SecondsBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _ttft;
    private readonly Histogram<double> _lateness;

    public WorkerMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };
        _requests = Meter.CreateCounter<long>("lab.requests", "{request}", "Scheduled requests that ended, by outcome (success, dropped) and drop reason");
        _duration = Meter.CreateHistogram<double>("lab.request.duration", "s",
            "Request latency over all scheduled requests: e2e when successful, time until given up when dropped", tags: null, advice);
        _ttft = Meter.CreateHistogram<double>("lab.ttft", "s", "Time to first content token: first token received minus request sent", tags: null, advice);
        _lateness = Meter.CreateHistogram<double>("lab.schedule.lateness", "s", "Schedule lateness: request sent minus planned send time", tags: null, advice);
    }

    public Meter Meter { get; }

    /// <summary>Called once per scheduled request, with the record that is stored for it.</summary>
    public void Record(RequestRecord record, string model)
    {
        var outcome = new KeyValuePair<string, object?>("lab.outcome", record.Outcome == RequestOutcome.Success ? "success" : "dropped");
        var modelTag = new KeyValuePair<string, object?>("gen_ai.request.model", model);
        if (record.Reason is { } reason)
        {
            var errorType = new KeyValuePair<string, object?>("error.type", DropReasons.Name(reason));
            _requests.Add(1, outcome, modelTag, errorType);
            _duration.Record(RequestTiming.LatencyMs(record) / 1000, outcome, modelTag, errorType);
        }
        else
        {
            _requests.Add(1, outcome, modelTag);
            _duration.Record(RequestTiming.LatencyMs(record) / 1000, outcome, modelTag);
        }
        if (record.TtftMs is { } ttft)
        {
            _ttft.Record(ttft / 1000, outcome, modelTag);
        }
        if (record.Sent is { } sent)
        {
            _lateness.Record((sent - record.PlannedSend).TotalSeconds, modelTag);
        }
    }
}
