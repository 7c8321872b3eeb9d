// The run summary (README "Run summary") from a run's frozen snapshot and its complete set of per-request records,
// whether they were read from PostgreSQL, simulated by the twin in virtual time or imported from a file. Pure: no I/O.
using Lab.Contracts.Costs;

namespace Lab.Evidence;

public static class RunSummaryCalculator
{
    public static RunSummary Calculate(Guid runId, int scheduled, DateTimeOffset? t0, RunSnapshot snapshot,
        IReadOnlyList<RequestRecord> records, DateTimeOffset finalizedAt)
    {
        var successful = 0;
        var completed = 0;
        long outputTokens = 0;
        var droppedByReason = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var latency = new List<double>(records.Count);
        var e2e = new List<double>();
        var ttft = new List<double>();
        var tpot = new List<double>();
        var itl = new List<float>();
        var lateness = new List<double>(records.Count);

        foreach (var record in records)
        {
            latency.Add(RequestTiming.LatencyMs(record));
            if (RequestTiming.LatenessMs(record) is { } late)
            {
                lateness.Add(late);
            }
            if (RequestTiming.IsCompleted(record))
            {
                completed++;
            }
            if (record.Outcome == RequestOutcome.Success)
            {
                successful++;
                outputTokens += record.OutputTokens;
                e2e.Add(RequestTiming.LatencyMs(record));
                if (record.TtftMs is { } t) ttft.Add(t);
                if (record.TpotMs is { } p) tpot.Add(p);
                if (record.ItlMs is { } gaps) itl.AddRange(gaps);
            }
            else
            {
                var reason = DropReasons.Name(record.Reason ?? DropReason.WorkerLost);
                droppedByReason[reason] = droppedByReason.GetValueOrDefault(reason) + 1;
            }
        }

        var dropped = scheduled - successful;
        var billed = CostMath.BilledDuration(t0, records);
        var billedSeconds = billed.TotalSeconds;
        var profile = snapshot.Profile;
        var runCost = CostMath.RunCost(snapshot.Price.UsdPerGpuHour, profile.GpusPerReplica, profile.Replicas, billed);
        var requestLatency = NearestRank.Summarise(latency);
        var successfulE2e = NearestRank.Summarise(e2e);
        var goodputBoundMs = (snapshot.Slo.P95LatencySeconds ?? snapshot.Slo.P99LatencySeconds) * 1000;
        var goodput = goodputBoundMs is { } bound ? e2e.Count(v => v <= bound) : successful;

        return new RunSummary(
            runId, scheduled, completed, successful, dropped, droppedByReason,
            requestLatency, successfulE2e, NearestRank.Summarise(ttft), NearestRank.Summarise(tpot),
            NearestRank.Summarise(itl), NearestRank.Summarise(lateness),
            billedSeconds > 0 ? successful / billedSeconds : 0,
            billedSeconds > 0 ? outputTokens / billedSeconds : 0,
            outputTokens, billedSeconds, runCost,
            CostMath.PerThousandSuccessful(runCost, successful),
            CostMath.PerMillionTokens(runCost, outputTokens),
            goodput,
            SloEvaluation.Verdict(snapshot.Slo, requestLatency, scheduled, dropped),
            snapshot.Price, snapshot.EvidenceBoundary, finalizedAt);
    }
}
