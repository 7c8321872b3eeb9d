// Finalized run summaries: useful work, latency, cost and the SLO verdict, with one meaning everywhere.
namespace Lab.Contracts.Costs;

/// <summary>Percentiles in milliseconds (nearest-rank, the lab's single definition).</summary>
public sealed record Percentiles(double P50, double P90, double P95, double P99, double Max, int Count);

/// <summary>
/// One SLO term: its name (p95_latency, p99_latency, dropped_fraction), limit and actual in its unit. Failing is derived
/// from the two (actual above limit), so a stored summary always reads the same and no producer can disagree.
/// </summary>
public sealed record SloTerm(string Name, double Limit, double Actual, string Unit)
{
    public bool Failing => Actual > Limit;
}

/// <summary>Passed when no term fails; FailingTerms says each failing term in words ("p95_latency 10.91 s exceeds 2 s").</summary>
public sealed record SloVerdict(bool Passed, IReadOnlyList<SloTerm> Terms, IReadOnlyList<string> FailingTerms);

public sealed record RunSummary(
    Guid RunId,
    int Scheduled,
    int Completed,
    int Successful,
    int Dropped,
    IReadOnlyDictionary<string, int> DroppedByReason,
    Percentiles? RequestLatency,
    Percentiles? SuccessfulE2e,
    Percentiles? Ttft,
    Percentiles? Tpot,
    Percentiles? Itl,
    Percentiles? ScheduleLateness,
    double RequestsPerSecond,
    double OutputTokensPerSecond,
    long OutputTokens,
    double BilledSeconds,
    decimal RunCostUsd,
    decimal? CostPer1KSuccessfulUsd,
    decimal? CostPer1MTokensUsd,
    int Goodput,
    SloVerdict Slo,
    GpuPrice Price,
    string EvidenceBoundary,
    DateTimeOffset FinalizedAt);

public sealed record TimeSeriesPoint(int Second, int Sent, int Succeeded, int Dropped, int InFlight, double? P95LatencyMs);

public sealed record RunTimeSeries(Guid RunId, IReadOnlyList<TimeSeriesPoint> Points);
