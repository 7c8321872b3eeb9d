// The pure pieces behind the API, tested directly: lifecycle table, percentile edges, cost edges, validation names.
using Lab.Contracts.Costs;
using Lab.CostApi.Records;
using Lab.CostApi.Runs;
using Lab.CostApi.Summaries;
using static Lab.CostApi.Tests.TestRuns;

namespace Lab.CostApi.Tests;

public sealed class PureLogicTests
{
    [Theory]
    [InlineData(RunStatus.Pending, RunStatus.CheckingReadiness, true)]
    [InlineData(RunStatus.Running, RunStatus.Draining, true)]
    [InlineData(RunStatus.Finalizing, RunStatus.Completed, true)]
    [InlineData(RunStatus.WarmingUp, RunStatus.Cancelled, true)]
    [InlineData(RunStatus.Pending, RunStatus.Running, false)]
    [InlineData(RunStatus.Draining, RunStatus.Running, false)]
    [InlineData(RunStatus.Completed, RunStatus.Failed, false)]
    [InlineData(RunStatus.Cancelled, RunStatus.Pending, false)]
    public void Lifecycle_allows_only_the_next_step_or_failure_and_cancellation(RunStatus from, RunStatus to, bool legal) =>
        Assert.Equal(legal, RunTransitions.IsLegal(from, to));

    [Fact]
    public void Nearest_rank_returns_observed_values_and_nothing_for_no_data()
    {
        Assert.Null(NearestRank.Summarise(new List<double>()));
        Assert.Equal(new Percentiles(7, 7, 7, 7, 7, 1), NearestRank.Summarise(new List<double> { 7 }));
        // 10 values: p95 is rank ⌈9.5⌉ = 10, p50 is rank 5.
        var ten = NearestRank.Summarise(Enumerable.Range(1, 10).Select(i => (double)i * 10).Reverse().ToList())!;
        Assert.Equal((50.0, 100.0, 100.0), (ten.P50, ten.P95, ten.Max));
    }

    [Fact]
    public void Cost_has_no_per_request_figure_without_useful_work()
    {
        Assert.Null(CostMath.PerThousandSuccessful(1.5m, 0));
        Assert.Null(CostMath.PerMillionTokens(1.5m, 0));
        Assert.Equal(2.99m * 2 * 3, CostMath.RunCost(2.99m, 2, 3, TimeSpan.FromHours(1)));
        Assert.Equal("$0.019752", CostMath.Format(0.0527377861m / 2670 * 1000));
    }

    [Fact]
    public void Validation_names_each_bad_field_by_record_index()
    {
        var batch = new RecordBatch([
            Success(0, 0, 100),
            Success(1, 0, 100) with { Worker = "" },
            Success(2, 0, 100) with { Reason = DropReason.Timeout },
            Dropped(3, 0, 10) with { GivenUpAt = null },
            Success(4, 0, 100) with { TtftMs = double.NaN },
            Success(0, 0, 100),
        ]);
        var errors = RecordValidator.Validate(batch, scheduled: 10);
        Assert.Equal(["records[1].worker", "records[2].reason", "records[3].givenUpAt", "records[4].ttftMs", "records[5].index"], errors.Keys.Order());
        Assert.Contains("first at records[0]", errors["records[5].index"][0]);
        Assert.Contains("1 to 10000", RecordValidator.Validate(new RecordBatch([]), 10)["records"][0]);
    }

    [Fact]
    public void Slo_verdict_names_every_failing_term()
    {
        var verdict = RunSummaryCalculator.Verdict(new Lab.Contracts.Experiments.SloDefinition(2, 5, 0.01),
            new Percentiles(1_000, 9_000, 10_910, 12_000, 15_000, 100), scheduled: 100, dropped: 3);
        Assert.False(verdict.Passed);
        Assert.Equal(["p95_latency 10.91 s exceeds 2 s", "p99_latency 12 s exceeds 5 s", "dropped_fraction 0.03 fraction exceeds 0.01 fraction"], verdict.FailingTerms);
    }
}
