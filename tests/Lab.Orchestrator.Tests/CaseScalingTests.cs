// Scaled runs: rates kept, durations cut, and a bursts case never cut short of its spikes (the seed card's burst cell).
using Lab.Contracts.Experiments;
using Lab.Experiments.Definitions;
using Lab.Orchestrator.Experiments;
using Lab.Orchestrator.Planning;
using Lab.Evidence;

namespace Lab.Orchestrator.Tests;

public sealed class CaseScalingTests
{
    private static CaseDefinition Burst => ExperimentLoader.LoadDirectory(ExperimentCatalog.Locate(null, AppContext.BaseDirectory))
        .Single(e => e.Id == "cost").Cases.Single(c => c.Id == "burst-cost-efficiency");

    private static CaseDefinition WithBursts(double duration, double spikeSeconds, double period, double offset) =>
        new("b", "", 512, 128, new ArrivalDefinition("bursts", 12, Bursts: new BurstDefinition(45, spikeSeconds, period, offset)), duration, 60);

    [Fact]
    public void A_small_scale_burst_run_holds_the_first_full_spike_at_the_case_rates()
    {
        // cost.yaml: 12 req/s base, +45 req/s from 10 s to 20 s of every 30 s, 120 s. At 0.05 a plain cut is 6 s: no spike.
        var plan = RunPlanner.Plan(Burst, 0.05, seed: 42, null);

        Assert.Equal(30, plan.DurationSeconds, 9);
        var before = plan.OffsetsSeconds.Count(o => o < 10);
        var spike = plan.OffsetsSeconds.Count(o => o is >= 10 and < 20);
        var after = plan.OffsetsSeconds.Count(o => o >= 20);
        // Poisson counts: 120 ± 11 before and after the spike, 570 ± 24 inside it; five sigmas either side.
        Assert.InRange(before, 65, 175);
        Assert.InRange(after, 65, 175);
        Assert.InRange(spike, 450, 690);
        Assert.All(plan.OffsetsSeconds, o => Assert.InRange(o, 0, 30));
        Assert.Contains("30 s", plan.Scaling.Rule);
        Assert.Equal((0.05, 120.0), (plan.Scaling.Scale, plan.Scaling.CaseDurationSeconds));
    }

    [Fact]
    public void A_scaled_burst_run_keeps_the_case_mean_rate()
    {
        var mean = ArrivalSchedule.MeanRate(Burst.Arrival); // 12 + 45 × 10/30 = 27 req/s
        Assert.Equal(27, mean, 9);
        // Twenty seeds of one 30 s period: 16,200 arrivals expected, standard deviation ~127; 4 % is four sigmas.
        var total = Enumerable.Range(1, 20).Sum(seed => RunPlanner.Plan(Burst, 0.1, seed, null).Scheduled);
        Assert.InRange(total / (20 * 30.0), mean * 0.96, mean * 1.04);
    }

    [Fact]
    public void The_same_seed_and_scale_give_the_same_schedule_and_another_seed_another()
    {
        var a = RunPlanner.Plan(Burst, 0.05, seed: 7, null);
        var b = RunPlanner.Plan(Burst, 0.05, seed: 7, null);
        var c = RunPlanner.Plan(Burst, 0.05, seed: 8, null);
        Assert.Equal(a.OffsetsSeconds, b.OffsetsSeconds);
        Assert.Equal(a.Shards.Select(s => s.OffsetsMs), b.Shards.Select(s => s.OffsetsMs));
        Assert.NotEqual(a.OffsetsSeconds, c.OffsetsSeconds);
    }

    [Theory]
    [InlineData(120, 10, 30, 10, 0.05, 30)]   // the seed case: one period holds the 10-20 s spike
    [InlineData(120, 10, 30, 10, 0.25, 30)]   // exactly one period already
    [InlineData(120, 10, 30, 10, 0.3, 60)]    // 36 s rounds up to two whole periods
    [InlineData(120, 10, 30, 10, 1, 120)]     // the whole case, untouched
    [InlineData(120, 10, 30, 40, 0.05, 60)]   // first spike 40-50 s: two periods to hold it
    [InlineData(120, 10, 30, 25, 0.05, 60)]   // first spike 25-35 s crosses the first period's end
    [InlineData(20, 10, 30, 5, 0.5, 20)]      // never beyond the full case
    public void Bursts_round_up_to_whole_periods_holding_the_first_spike(
        double duration, double spike, double period, double offset, double scale, double expected) =>
        Assert.Equal(expected, CaseScaling.Scale(WithBursts(duration, spike, period, offset), scale).RunDurationSeconds, 9);

    [Theory]
    [InlineData("poisson")]
    [InlineData("constant")]
    [InlineData("gamma")]
    public void Other_processes_are_cut_to_duration_times_scale(string kind)
    {
        var @case = new CaseDefinition("c", "", 512, 128, new ArrivalDefinition(kind, 22, Burstiness: 0.5), 120, 60);
        var scaling = CaseScaling.Scale(@case, 0.1);
        Assert.Equal(12, scaling.RunDurationSeconds, 9);
        Assert.Equal("scale 0.1: the first 12 s of the 120 s case at the same rates.", scaling.Rule);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_scale_outside_zero_to_one_is_refused(double scale) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CaseScaling.Scale(Burst, scale));
}
