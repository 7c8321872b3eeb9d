// Per-second series for plots, relative to t0, from the same record timings the summary uses.
using Lab.Contracts.Costs;

namespace Lab.Evidence;

public static class TimeSeriesBuilder
{
    /// <summary>
    /// Second s covers [t0 + s, t0 + s + 1). Sent counts sends in it; succeeded and dropped count requests finishing in
    /// it; in flight is what was sent and not yet finished at its end; p95 is nearest-rank over requests finishing in it.
    /// </summary>
    public static RunTimeSeries Build(Guid runId, DateTimeOffset? t0, IReadOnlyList<RequestRecord> records)
    {
        if (records.Count == 0)
        {
            return new RunTimeSeries(runId, []);
        }
        var start = t0 ?? records.Min(r => r.PlannedSend);
        int SecondOf(DateTimeOffset at) => Math.Max(0, (int)Math.Floor((at - start).TotalSeconds));
        var last = records.Max(r => SecondOf(RequestTiming.FinishedAt(r)));
        var sent = new int[last + 1];
        var succeeded = new int[last + 1];
        var dropped = new int[last + 1];
        var startedInFlight = new int[last + 2];
        var latencies = new List<double>?[last + 1];

        foreach (var record in records)
        {
            var finish = SecondOf(RequestTiming.FinishedAt(record));
            (record.Outcome == RequestOutcome.Success ? succeeded : dropped)[finish]++;
            (latencies[finish] ??= []).Add(RequestTiming.LatencyMs(record));
            if (record.Sent is { } at)
            {
                var s = SecondOf(at);
                sent[s]++;
                // In flight at the end of seconds s .. finish-1: a difference array keeps this linear.
                if (finish > s)
                {
                    startedInFlight[s]++;
                    startedInFlight[finish]--;
                }
            }
        }

        var points = new List<TimeSeriesPoint>(last + 1);
        var inFlight = 0;
        for (var s = 0; s <= last; s++)
        {
            inFlight += startedInFlight[s];
            var p95 = latencies[s] is { Count: > 0 } l ? NearestRank.Summarise(l)!.P95 : (double?)null;
            points.Add(new TimeSeriesPoint(s, sent[s], succeeded[s], dropped[s], inFlight, p95));
        }
        return new RunTimeSeries(runId, points);
    }
}
