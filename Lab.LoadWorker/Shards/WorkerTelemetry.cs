// The worker's trace source and metrics (exported automatically: every "Lab.*" source and meter is).
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Lab.LoadWorker.Shards;

public static class WorkerTelemetry
{
    public const string Name = "Lab.LoadWorker";
    public static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);
    public static readonly Histogram<double> Lateness = Meter.CreateHistogram<double>("lab.worker.schedule_lateness", "ms", "Send time minus planned send time");
    private static readonly Counter<long> SentCounter = Meter.CreateCounter<long>("lab.worker.requests_sent");

    public static void Sent() => SentCounter.Add(1);
}
