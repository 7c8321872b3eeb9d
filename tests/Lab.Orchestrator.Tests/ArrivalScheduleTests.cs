// Arrival processes against their distributions: counts, mean gap and coefficient of variation for fixed seeds.
using Lab.Contracts.Experiments;
using Lab.Evidence;

namespace Lab.Orchestrator.Tests;

public sealed class ArrivalScheduleTests
{
    private static (double Mean, double Cv) GapStatistics(double[] offsets)
    {
        var gaps = offsets.Zip(offsets.Skip(1), (a, b) => b - a).ToArray();
        var mean = gaps.Average();
        var sd = Math.Sqrt(gaps.Sum(g => (g - mean) * (g - mean)) / (gaps.Length - 1));
        return (mean, sd / mean);
    }

    [Fact]
    public void Constant_sends_exactly_rate_times_duration_at_even_gaps()
    {
        var offsets = ArrivalSchedule.Plan(new ArrivalDefinition("constant", 10), 100, seed: 1);
        Assert.Equal(1000, offsets.Length);
        Assert.Equal(0, offsets[0]);
        var (mean, cv) = GapStatistics(offsets);
        Assert.Equal(0.1, mean, 9);
        Assert.True(cv < 1e-6, $"cv {cv}");
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(7L)]
    [InlineData(12345L)]
    public void Poisson_has_the_asked_rate_and_exponential_gaps(long seed)
    {
        var offsets = ArrivalSchedule.Plan(new ArrivalDefinition("poisson", 20), 500, seed);
        // Expected 10,000 arrivals with standard deviation 100: four sigmas either side.
        Assert.InRange(offsets.Length, 9600, 10400);
        var (mean, cv) = GapStatistics(offsets);
        Assert.InRange(mean, 0.05 * 0.96, 0.05 * 1.04);
        Assert.InRange(cv, 0.95, 1.05);
        Assert.All(offsets, o => Assert.InRange(o, 0, 500));
    }

    [Theory]
    [InlineData(0.25, 2.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(4.0, 0.5)]
    public void Gamma_gaps_have_cv_one_over_root_burstiness_at_the_same_mean_rate(double burstiness, double expectedCv)
    {
        var offsets = ArrivalSchedule.Plan(new ArrivalDefinition("gamma", 20, Burstiness: burstiness), 1000, seed: 3);
        Assert.InRange(offsets.Length, 20000 * 0.95, 20000 * 1.05);
        var (mean, cv) = GapStatistics(offsets);
        Assert.InRange(mean, 0.05 * 0.95, 0.05 * 1.05);
        Assert.InRange(cv, expectedCv * 0.93, expectedCv * 1.07);
    }

    [Fact]
    public void Bursts_add_spike_arrivals_only_inside_the_spike_windows()
    {
        var arrival = new ArrivalDefinition("bursts", 5, Bursts: new BurstDefinition(SpikeRate: 50, SpikeSeconds: 2, PeriodSeconds: 10, OffsetSeconds: 4));
        var offsets = ArrivalSchedule.Plan(arrival, 1000, seed: 11);
        var inSpike = offsets.Where(o => (o - 4) % 10 is >= 0 and < 2 && o >= 4).ToArray();
        var outside = offsets.Length - inSpike.Length;
        // Outside spikes: base 5/s over 800 s = 4000. Inside: (5 + 50)/s over 200 s = 11,000.
        Assert.InRange(outside, 4000 * 0.93, 4000 * 1.07);
        Assert.InRange(inSpike.Length, 11000 * 0.96, 11000 * 1.04);
        Assert.Equal(ArrivalSchedule.MeanRate(arrival) * 1000, offsets.Length, 15000 * 0.04);
        Assert.True(offsets.Zip(offsets.Skip(1)).All(p => p.First <= p.Second), "offsets ascend");
    }

    [Fact]
    public void Trace_replays_the_offsets_of_the_file_in_order_within_the_duration()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, ["offset_s", "0.5", "0.1", "# a comment", "2.25", "9.0"]);
            var offsets = ArrivalSchedule.Plan(new ArrivalDefinition("trace", 0, TraceFile: file), 5, seed: 1);
            Assert.Equal([0.1, 0.5, 2.25], offsets);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("poisson")]
    [InlineData("gamma")]
    [InlineData("bursts")]
    public void The_same_seed_gives_the_same_schedule_and_another_seed_another(string kind)
    {
        var arrival = new ArrivalDefinition(kind, 30, Burstiness: 0.5, Bursts: new BurstDefinition(60, 5, 20));
        var a = ArrivalSchedule.Plan(arrival, 60, seed: 99);
        var b = ArrivalSchedule.Plan(arrival, 60, seed: 99);
        var c = ArrivalSchedule.Plan(arrival, 60, seed: 100);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void A_shorter_duration_is_a_prefix_of_the_longer_schedule_for_single_stream_processes()
    {
        // Scale shortens a run keeping its rate: the first tenth of the same process, not a thinner one.
        var full = ArrivalSchedule.Plan(new ArrivalDefinition("poisson", 22), 120, seed: 42);
        var tenth = ArrivalSchedule.Plan(new ArrivalDefinition("poisson", 22), 12, seed: 42);
        Assert.Equal(full.TakeWhile(o => o < 12), tenth);
    }
}
