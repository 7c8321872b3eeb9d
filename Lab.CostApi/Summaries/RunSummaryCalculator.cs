// Turns a run's frozen snapshot and its complete set of records into the stored summary. Pure: no I/O.
using System.Globalization;
using Lab.Contracts.Costs;

namespace Lab.CostApi.Summaries;

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
        var start = t0 ?? (records.Count > 0 ? records.Min(r => r.PlannedSend) : finalizedAt);
        var end = start;

        foreach (var record in records)
        {
            latency.Add(RequestLatency.Ms(record));
            var finished = RequestTiming.FinishedAt(record);
            if (finished > end)
            {
                end = finished;
            }
            if (record.Sent is { } sent)
            {
                lateness.Add((sent - record.PlannedSend).TotalMilliseconds);
            }
            if (RequestTiming.IsCompleted(record))
            {
                completed++;
            }
            if (record.Outcome == RequestOutcome.Success)
            {
                successful++;
                outputTokens += record.OutputTokens;
                e2e.Add(RequestLatency.Ms(record));
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
        var billed = end - start;
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
            Verdict(snapshot.Slo, requestLatency, scheduled, dropped),
            snapshot.Price, snapshot.EvidenceBoundary, finalizedAt);
    }

    /// <summary>Latency terms read the all-scheduled request latency, so a run cannot pass by dropping its slow requests.</summary>
    public static SloVerdict Verdict(Lab.Contracts.Experiments.SloDefinition slo, Percentiles? requestLatency, int scheduled, int dropped)
    {
        var terms = new List<SloTerm>();
        if (slo.P95LatencySeconds is { } p95)
        {
            terms.Add(new SloTerm("p95_latency", p95, (requestLatency?.P95 ?? 0) / 1000, "s"));
        }
        if (slo.P99LatencySeconds is { } p99)
        {
            terms.Add(new SloTerm("p99_latency", p99, (requestLatency?.P99 ?? 0) / 1000, "s"));
        }
        if (slo.MaxDroppedFraction is { } maxDropped)
        {
            terms.Add(new SloTerm("dropped_fraction", maxDropped, scheduled > 0 ? (double)dropped / scheduled : 0, "fraction"));
        }
        var failing = terms.Where(t => t.Actual > t.Limit)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Actual:0.####} {t.Unit} exceeds {t.Limit:0.####} {t.Unit}"))
            .ToList();
        return new SloVerdict(failing.Count == 0, terms, failing);
    }
}
