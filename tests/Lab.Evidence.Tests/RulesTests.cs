// The lab's rules tested directly against hand-worked figures: lifecycle, nearest rank, cost, the seed check, SLO terms.
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;

namespace Lab.Evidence.Tests;

public sealed class RulesTests
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
        Assert.Equal(legal, RunLifecycle.IsLegal(from, to));

    [Fact]
    public void Only_completed_failed_and_cancelled_are_terminal() =>
        Assert.Equal([RunStatus.Completed, RunStatus.Failed, RunStatus.Cancelled], Enum.GetValues<RunStatus>().Where(RunLifecycle.IsTerminal));

    [Fact]
    public void Nearest_rank_returns_observed_values_and_nothing_for_no_data()
    {
        Assert.Null(NearestRank.Summarise(new List<double>()));
        Assert.Equal(new Percentiles(7, 7, 7, 7, 7, 1), NearestRank.Summarise(new List<double> { 7 }));
        // 10 values: p95 is rank ⌈9.5⌉ = 10, p50 is rank 5.
        var ten = NearestRank.Summarise(Enumerable.Range(1, 10).Select(i => (double)i * 10).Reverse().ToList())!;
        Assert.Equal((50.0, 100.0, 100.0), (ten.P50, ten.P95, ten.Max));
    }

    [Theory]
    [InlineData(1, 50, 1)]
    [InlineData(20, 95, 19)]
    [InlineData(21, 95, 20)]
    [InlineData(100, 99, 99)]
    [InlineData(101, 99, 100)]
    [InlineData(3, 0, 1)]
    [InlineData(3, 100, 3)]
    public void Nearest_rank_is_the_ceiling_of_p_times_n(int count, double p, int rank)
    {
        Assert.Equal(rank, NearestRank.Rank(count, p));
        var values = Enumerable.Range(1, count).Select(i => (double)i).ToArray();
        Assert.Equal(rank, NearestRank.Percentile(values, p));
        Assert.Equal(rank, NearestRank.Percentile((IReadOnlyList<double>)values, p));
        Assert.Equal(rank, NearestRank.Rank((long)count, p));
    }

    [Fact]
    public void Nearest_rank_over_no_values_is_nan_for_spans() => Assert.True(double.IsNaN(NearestRank.Percentile(ReadOnlySpan<double>.Empty, 95)));

    [Fact]
    public void Cost_has_no_per_request_figure_without_useful_work()
    {
        Assert.Null(CostMath.PerThousandSuccessful(1.5m, 0));
        Assert.Null(CostMath.PerMillionTokens(1.5m, 0));
        Assert.Equal(2.99m * 2 * 3, CostMath.RunCost(2.99m, 2, 3, TimeSpan.FromHours(1)));
        Assert.Equal("$0.019752", CostMath.Format(0.0527377861m / 2670 * 1000));
    }

    [Fact]
    public void Seed_check_2670_successful_at_0_019752_per_1k_is_a_run_cost_of_0_052738()
    {
        // The seed check (README "Cost"): 2.99 $/GPU-h for 63.497 s is $0.052738; over 2670 successful requests, $0.019752 per 1K.
        var runCost = CostMath.RunCost(2.99m, 1, 1, TimeSpan.FromMilliseconds(63_497));
        Assert.Equal(0.052738m, CostMath.Display(runCost));
        Assert.Equal(0.019752m, CostMath.Display(CostMath.PerThousandSuccessful(runCost, 2670)!.Value));
        Assert.Equal("$0.019752", Numbers.Usd(CostMath.PerThousandSuccessful(runCost, 2670)));
    }

    [Fact]
    public void Slo_verdict_names_every_failing_term()
    {
        var verdict = SloEvaluation.Verdict(new SloDefinition(2, 5, 0.01),
            new Percentiles(1_000, 9_000, 10_910, 12_000, 15_000, 100), scheduled: 100, dropped: 3);
        Assert.False(verdict.Passed);
        Assert.Equal(["p95_latency 10.91 s exceeds 2 s", "p99_latency 12 s exceeds 5 s", "dropped_fraction 0.03 fraction exceeds 0.01 fraction"], verdict.FailingTerms);
    }

    [Fact]
    public void Slo_terms_are_typed_and_say_which_fail()
    {
        var verdict = SloEvaluation.Verdict(new SloDefinition(2, 5, 0.01),
            new Percentiles(1_000, 1_500, 2_500, 4_000, 4_500, 100), scheduled: 100, dropped: 1);

        Assert.Equal([("p95_latency", 2.0, 2.5, "s", true), ("p99_latency", 5.0, 4.0, "s", false), ("dropped_fraction", 0.01, 0.01, "fraction", false)],
            verdict.Terms.Select(t => (t.Name, t.Limit, t.Actual, t.Unit, t.Failing)));
        Assert.Equal(["p95_latency 2.5 s exceeds 2 s"], verdict.FailingTerms);
        Assert.Equal("p99", SloEvaluation.ShortName(SloEvaluation.P99Latency));
        Assert.Equal("dropped", SloEvaluation.ShortName(SloEvaluation.DroppedFraction));
        Assert.Equal(["p95 request latency ≤ 2 s", "p99 request latency ≤ 5 s", "dropped ≤ 1 %"], SloEvaluation.Describe(new SloDefinition(2, 5, 0.01)));
    }

    [Fact]
    public void A_missing_slo_term_is_not_checked() =>
        Assert.Equal([SloEvaluation.DroppedFraction], SloEvaluation.Verdict(new SloDefinition(null, null, 0.01), null, 10, 0).Terms.Select(t => t.Name));

    [Theory]
    [InlineData(1, true)]
    [InlineData(0.001, true)]
    [InlineData(0, false)]
    [InlineData(-0.5, false)]
    [InlineData(1.0000001, false)]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    public void Scale_is_a_fraction_of_the_case_in_0_to_1(double scale, bool valid)
    {
        Assert.Equal(valid, RunScale.IsValid(scale));
        Assert.Equal(valid, RunScale.Problem(scale) is null);
        if (!valid)
        {
            Assert.StartsWith("must be above 0 and at most 1", RunScale.Problem(scale));
        }
    }

    [Fact]
    public void Short_names_are_the_first_word_unless_two_would_read_the_same()
    {
        Assert.Equal("steady", ShortNames.Of("steady-cost-efficiency"));
        Assert.Equal(new Dictionary<string, string> { ["naive-single"] = "naive", ["optimized-batched"] = "optimized" },
            ShortNames.For(["naive-single", "optimized-batched"]));
        Assert.Equal(new Dictionary<string, string> { ["burst-a"] = "burst-a", ["burst-b"] = "burst-b" }, ShortNames.For(["burst-a", "burst-b"]));
    }

    [Fact]
    public void Numbers_read_as_on_the_seed_card()
    {
        Assert.Equal("$0.019752", Numbers.Usd(0.0197515m));
        Assert.Equal("$0.0198", Numbers.Usd(0.019752m, 4));
        Assert.Equal("1.61s", Numbers.SecondsFromMs(1_610));
        Assert.Equal("—", Numbers.Seconds(null));
        Assert.Equal("0.25", Numbers.Plain(0.25));
        // Dates are UTC: 23:00 at UTC−2 is the next day.
        Assert.Equal("2026-05-16", Numbers.Date(new DateTimeOffset(2026, 5, 15, 23, 0, 0, TimeSpan.FromHours(-2))));
    }
}
