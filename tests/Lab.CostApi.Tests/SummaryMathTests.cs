// The summary's numbers through the real API and database: the seed card's cost, useful work, latency rules.
using Lab.Contracts.Costs;
using static Lab.CostApi.Tests.TestRuns;

namespace Lab.CostApi.Tests;

public sealed class SummaryMathTests(CostApiFixture fixture)
{
    private readonly ICostApi _api = fixture.Api;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Seed_card_cost_math_is_exact()
    {
        // 2670 successful requests; the last one ends 63.497 s after t0. 2.99 $/h × 63.497 s / 3600 = $0.052738 (6 dp).
        var records = Enumerable.Range(0, 2670).Select(i => Success(i, i * 23.0, 800)).ToList();
        records[^1] = Success(2669, 63_497 - 800, 800);
        var summary = await RunAsync(_api, "seed-math", Steady, Optimized, records, Ct);

        Assert.Equal(2670, summary.Successful);
        Assert.Equal(0, summary.Dropped);
        Assert.Equal(63.497, summary.BilledSeconds, 6);
        Assert.Equal(0.052738m, Math.Round(summary.RunCostUsd, 6));
        Assert.Equal(0.019752m, Math.Round(summary.CostPer1KSuccessfulUsd!.Value, 6));
        Assert.Equal(summary.RunCostUsd / (2670m * 128m) * 1_000_000m, summary.CostPer1MTokensUsd);
        Assert.Equal(2670L * 128, summary.OutputTokens);
        Assert.True(summary.Slo.Passed);
        Assert.Equal(2670, summary.Goodput);
    }

    [Fact]
    public async Task Only_successful_requests_count_as_useful_work()
    {
        var records = Enumerable.Range(0, 413).Select(i => Success(i, i * 10.0, 1_000))
            .Concat(Enumerable.Range(413, 2227).Select(i => Dropped(i, i * 10.0, 60_000)))
            .ToList();
        var summary = await RunAsync(_api, "useful-work", Steady, Naive, records, Ct);

        Assert.Equal(2640, summary.Scheduled);
        Assert.Equal(413, summary.Successful);
        Assert.Equal(2227, summary.Dropped);
        Assert.Equal(2227, summary.DroppedByReason["timeout"]);
        Assert.Equal(413, summary.Completed);
        Assert.Equal(summary.RunCostUsd / 413m * 1000m, summary.CostPer1KSuccessfulUsd);
        Assert.Equal(413L * 128, summary.OutputTokens);
        Assert.Equal(413 / summary.BilledSeconds, summary.RequestsPerSecond, 9);
        Assert.Equal(2640, summary.RequestLatency!.Count);
        Assert.Equal(413, summary.SuccessfulE2e!.Count);
        Assert.False(summary.Slo.Passed);
        Assert.Contains(summary.Slo.FailingTerms, t => t.StartsWith("dropped_fraction", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dropped_requests_enter_latency_percentiles_at_the_time_they_were_given_up()
    {
        // 90 fast successes and 10 drops: one never sent (measured from its planned send), nine given up after 60 s.
        var records = Enumerable.Range(0, 90).Select(i => Success(i, i * 100.0, 500))
            .Concat(Enumerable.Range(90, 9).Select(i => Dropped(i, i * 100.0, 60_000)))
            .Append(Dropped(99, 9_900, 45_000, DropReason.WorkerLost, sent: false))
            .ToList();
        var summary = await RunAsync(_api, "dropped-latency", Burst, Optimized, records, Ct);

        Assert.Equal(60_000, summary.RequestLatency!.P95);
        Assert.Equal(60_000, summary.RequestLatency.Max);
        Assert.Equal(500, summary.RequestLatency.P90);
        Assert.Equal(500, summary.SuccessfulE2e!.P95);
        Assert.Equal(1, summary.DroppedByReason["worker_lost"]);
        Assert.Contains("p95_latency 60 s exceeds 2 s", summary.Slo.FailingTerms);
        // Dropping work never improves the figure: the all-scheduled p95 is far above the successful-only one.
        Assert.True(summary.RequestLatency.P95 > summary.SuccessfulE2e.P95);
    }

    [Fact]
    public async Task Percentiles_match_a_nearest_rank_reference_computed_here()
    {
        var random = new Random(7);
        var e2e = Enumerable.Range(0, 997).Select(_ => Math.Round(100 + random.NextDouble() * 5_000, 3)).ToArray();
        var lateness = Enumerable.Range(0, 997).Select(_ => (double)random.Next(0, 40)).ToArray();
        var records = e2e.Select((v, i) => Success(i, i * 50.0, v, ttftMs: 40, latenessMs: lateness[i])).ToList();
        var summary = await RunAsync(_api, "percentiles", Steady, Optimized, records, Ct);

        static double Reference(double[] values, double p)
        {
            var sorted = values.Order().ToArray();
            return sorted[(int)Math.Ceiling(p / 100 * sorted.Length) - 1];
        }
        foreach (var (p, actual) in new[] { (50.0, summary.RequestLatency!.P50), (90, summary.RequestLatency.P90),
                     (95, summary.RequestLatency.P95), (99, summary.RequestLatency.P99), (100, summary.RequestLatency.Max) })
        {
            Assert.Equal(Reference(e2e, p), actual, 3);
        }
        Assert.Equal(Reference(lateness, 50), summary.ScheduleLateness!.P50, 3);
        Assert.Equal(Reference(lateness, 99), summary.ScheduleLateness.P99, 3);
        Assert.Equal(40, summary.Ttft!.P99);
        Assert.Equal(997 * 127, summary.Itl!.Count);
    }

    [Fact]
    public async Task Known_small_sets_give_the_textbook_nearest_rank_values()
    {
        var records = Enumerable.Range(0, 100).Select(i => Success(i, i, i + 1, ttftMs: 0.5)).ToList();
        var summary = await RunAsync(_api, "textbook", Steady, Naive, records, Ct);
        Assert.Equal(new Percentiles(50, 90, 95, 99, 100, 100), summary.RequestLatency);
    }

    [Fact]
    public async Task Time_series_counts_sends_finishes_in_flight_and_p95_per_second()
    {
        // Two successes sent at 0 s (one finishing at 0.5 s, one at 2.5 s) and a drop sent at 1 s given up at 1.9 s.
        var records = new[] { Success(0, 0, 500), Success(1, 0, 2_500), Dropped(2, 1_000, 900) };
        var summary = await RunAsync(_api, "series", Steady, Naive, records, Ct);
        var series = await _api.GetTimeSeriesAsync(summary.RunId, Ct);

        Assert.Equal(
            [new TimeSeriesPoint(0, 2, 1, 0, 1, 500), new TimeSeriesPoint(1, 1, 0, 1, 1, 900), new TimeSeriesPoint(2, 0, 1, 0, 0, 2_500)],
            series.Points);
    }
}
