// Received / stored / evicted / rejected counts per signal, shown by /api/telemetry/stats and the UI banner.
namespace Lab.Dashboard.Storage;

public sealed class SignalCounters
{
    private long _received;
    private long _evicted;
    private long _rejected;

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Accepted earlier but pushed out of the ring by newer data when the limit was reached.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>Refused at export (invalid ids or timestamps, or more in one export than the whole limit holds).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    public void AddReceived(long n) => Interlocked.Add(ref _received, n);

    public void AddEvicted(long n) => Interlocked.Add(ref _evicted, n);

    public void AddRejected(long n) => Interlocked.Add(ref _rejected, n);
}

public sealed record SignalStats(long Stored, int Capacity, long Received, long Evicted, long Rejected)
{
    /// <summary>Everything received that is no longer (or never was) kept.</summary>
    public long Dropped => Evicted + Rejected;
}

public sealed record TelemetryStats(
    SignalStats Spans,
    SignalStats Logs,
    SignalStats MetricPoints,
    int Traces,
    int Instruments,
    IReadOnlyList<string> Resources);
