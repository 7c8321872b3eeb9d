// Maps a run's wall-clock t0 onto the monotonic timestamp clock once, so every send and measurement shares it.
using System.Diagnostics;

namespace Lab.LoadWorker.Timing;

public sealed class RunClock
{
    private readonly long _t0Timestamp;

    public RunClock(DateTimeOffset t0, TimeProvider time)
    {
        T0 = t0;
        // Wall and monotonic clocks are read together once; from then on only the monotonic one counts.
        _t0Timestamp = Stopwatch.GetTimestamp() + (long)((t0 - time.GetUtcNow()).TotalSeconds * Stopwatch.Frequency);
    }

    public DateTimeOffset T0 { get; }

    public long TimestampAt(double offsetMs) => _t0Timestamp + (long)(offsetMs * Stopwatch.Frequency / 1000);

    /// <summary>Milliseconds since t0 of a Stopwatch timestamp.</summary>
    public double MsSinceT0(long timestamp) => (timestamp - _t0Timestamp) * 1000.0 / Stopwatch.Frequency;

    public double NowMs => MsSinceT0(Stopwatch.GetTimestamp());

    public DateTimeOffset WallAt(double msSinceT0) => T0.AddTicks((long)(msSinceT0 * TimeSpan.TicksPerMillisecond));
}
