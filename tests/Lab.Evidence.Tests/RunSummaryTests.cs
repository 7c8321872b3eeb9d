// The run summary from per-request records, against figures worked out by hand.
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;

namespace Lab.Evidence.Tests;

public sealed class RunSummaryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly GpuPrice H100 = new("H100-SXM-80GB", 2.99m, "Lambda on-demand", new DateOnly(2026, 5, 1));

    private static RunSnapshot Snapshot(int gpus = 1, int replicas = 1) => new(
        new CaseDefinition("steady", "", 512, 4, new ArrivalDefinition("constant", 1), 10, 30),
        new ProfileDefinition("optimized", "", "llama", "H100-SXM-80GB", gpus, replicas, "H100-SXM-80GB", new Dictionary<string, string>()),
        new SloDefinition(2, 5, 0.01), H100, "GPU only");

    private static RequestRecord Success(int index, double plannedS, double e2eMs, double latenessMs = 0)
    {
        var planned = T0.AddSeconds(plannedS);
        var sent = planned.AddMilliseconds(latenessMs);
        return new RequestRecord(index, "w", planned, sent, sent.AddMilliseconds(100), sent.AddMilliseconds(e2eMs), null,
            RequestOutcome.Success, null, 200, 512, 4, 100, RequestTiming.Tpot(e2eMs, 100, 4), e2eMs, [10f, 20f, 30f], null);
    }

    private static RequestRecord Dropped(int index, double plannedS, double givenUpAfterMs, DropReason reason, int? status, bool sent = true)
    {
        var planned = T0.AddSeconds(plannedS);
        return new RequestRecord(index, "w", planned, sent ? planned : null, null, null, planned.AddMilliseconds(givenUpAfterMs),
            RequestOutcome.Dropped, reason, status, 512, 0, null, null, null, null, null);
    }

    [Fact]
    public void Useful_work_latency_cost_and_verdict_of_a_small_run()
    {
        RequestRecord[] records =
        [
            Success(0, 0, 1_000),
            Success(1, 1, 1_500, latenessMs: 4),
            Success(2, 2, 3_000),
            Dropped(3, 3, 30_000, DropReason.Timeout, 200),
            Dropped(4, 4, 0, DropReason.Rejected, 503),
            Dropped(5, 5, 2_000, DropReason.Cancelled, null, sent: false),
        ];

        var summary = RunSummaryCalculator.Calculate(Guid.Empty, 6, T0, Snapshot(gpus: 2, replicas: 3), records, T0);

        Assert.Equal((6, 3, 3), (summary.Scheduled, summary.Successful, summary.Dropped));
        // Completed: three successes and the two drops that got an HTTP answer (the timeout's 200, the 503).
        Assert.Equal(5, summary.Completed);
        Assert.Equal(new Dictionary<string, int> { ["cancelled"] = 1, ["rejected"] = 1, ["timeout"] = 1 }, summary.DroppedByReason);
        // All-scheduled latency: 0 (refused), 1000, 1500, 2000 (never sent: from its plan), 3000, 30000.
        Assert.Equal(new Percentiles(1_500, 30_000, 30_000, 30_000, 30_000, 6), summary.RequestLatency);
        Assert.Equal(new Percentiles(1_500, 3_000, 3_000, 3_000, 3_000, 3), summary.SuccessfulE2e);
        Assert.Equal(4, summary.ScheduleLateness!.Max);
        // Billed from t0 to the timeout's give-up at 3 s + 30 s: 33 s × 2 GPUs × 3 replicas × 2.99 $/h.
        Assert.Equal(33, summary.BilledSeconds, 9);
        Assert.Equal(0.16445m, Math.Round(summary.RunCostUsd, 20)); // 2.99 × 6 × 33 / 3600
        Assert.Equal(summary.RunCostUsd / 3 * 1000, summary.CostPer1KSuccessfulUsd);
        Assert.Equal(summary.RunCostUsd / 12 * 1_000_000, summary.CostPer1MTokensUsd);
        Assert.Equal(12, summary.OutputTokens);
        // TPOT = (e2e − ttft)/(4 − 1); goodput counts successes within the 2 s p95 bound.
        Assert.Equal(new Percentiles(1_400.0 / 3, 2_900.0 / 3, 2_900.0 / 3, 2_900.0 / 3, 2_900.0 / 3, 3), summary.Tpot);
        Assert.Equal(2, summary.Goodput);
        Assert.Equal(9, summary.Itl!.Count);
        Assert.False(summary.Slo.Passed);
        Assert.Equal([SloEvaluation.P95Latency, SloEvaluation.P99Latency, SloEvaluation.DroppedFraction],
            summary.Slo.Terms.Where(t => t.Failing).Select(t => t.Name));
    }

    [Fact]
    public void Billed_duration_starts_at_t0_or_the_first_planned_send_and_ends_with_the_last_request()
    {
        RequestRecord[] records = [Success(0, 2, 1_000), Dropped(1, 4, 500, DropReason.Timeout, null)];

        Assert.Equal(TimeSpan.FromSeconds(4.5), CostMath.BilledDuration(T0, records));
        Assert.Equal(TimeSpan.FromSeconds(2.5), CostMath.BilledDuration(null, records));
        Assert.Equal(TimeSpan.Zero, CostMath.BilledDuration(T0, []));
    }

    [Fact]
    public void Request_timing_follows_the_definitions()
    {
        var dropped = Dropped(0, 0, 2_000, DropReason.Cancelled, null, sent: false);
        Assert.Equal(2_000, RequestTiming.LatencyMs(dropped));
        Assert.Null(RequestTiming.LatenessMs(dropped));
        Assert.False(RequestTiming.IsCompleted(dropped));
        Assert.Equal(T0.AddSeconds(2), RequestTiming.FinishedAt(dropped));
        Assert.Equal(300, RequestTiming.Tpot(1_000, 100, 4));
        Assert.Null(RequestTiming.Tpot(1_000, 100, 1));
        Assert.Equal([1.0, 2.5], RequestTiming.Gaps([10, 11, 13.5]));
        Assert.Equal("connection_error", DropReasons.Name(DropReason.ConnectionError));
        Assert.Equal(DropReason.WorkerLost, DropReasons.Parse("worker_lost"));
    }

    [Fact]
    public void The_run_schedule_resolves_a_relative_trace_file_against_the_experiments_directory()
    {
        var directory = Directory.CreateTempSubdirectory("lab-evidence-").FullName;
        File.WriteAllLines(Path.Combine(directory, "offsets.txt"), ["0", "0.5", "2", "11"]);
        var traced = Snapshot().Case with { Arrival = new ArrivalDefinition("trace", 0, TraceFile: "offsets.txt") };

        var schedule = RunSchedule.Plan(traced, 1, 1, directory);

        Assert.Equal([0, 0.5, 2], schedule.OffsetsSeconds);
        Assert.Equal(Path.Combine(directory, "offsets.txt"), RunSchedule.ResolveTraceFile(traced.Arrival, directory).TraceFile);
        Assert.Equal("/abs/trace.txt", RunSchedule.ResolveTraceFile(traced.Arrival with { TraceFile = "/abs/trace.txt" }, directory).TraceFile);
        Directory.Delete(directory, true);
    }
}
