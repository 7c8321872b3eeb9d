// Arrival plans (shape, determinism, validation) and prompts of an exact cl100k length.
using Lab.Contracts.Experiments;
using Lab.Experiments.Prompts;
using Lab.Evidence;

namespace Lab.ServingSim.Tests;

public sealed class ArrivalAndPromptTests
{
    [Fact]
    public void Constant_sends_one_request_every_one_over_rate_from_zero()
    {
        var offsets = ArrivalSchedule.Plan(new ArrivalDefinition("constant", 4), 2, seed: 1);
        Assert.Equal([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75], offsets);
    }

    [Theory]
    [InlineData("poisson", null)]
    [InlineData("gamma", 1.0)]
    [InlineData("gamma", 0.25)]
    [InlineData("gamma", 4.0)]
    public void Random_processes_are_seeded_sorted_inside_the_window_and_near_the_mean_rate(string kind, double? burstiness)
    {
        var definition = new ArrivalDefinition(kind, 50, burstiness);
        var offsets = ArrivalSchedule.Plan(definition, 400, seed: 3);

        Assert.Equal(offsets, ArrivalSchedule.Plan(definition, 400, seed: 3));
        Assert.NotEqual(offsets, ArrivalSchedule.Plan(definition, 400, seed: 4));
        Assert.All(offsets, t => Assert.InRange(t, 0, 400));
        Assert.True(offsets.Zip(offsets.Skip(1)).All(p => p.First <= p.Second));
        // 20,000 expected; the gap variance is 1/(rate²·shape), so burstier plans may stray further.
        Assert.InRange(offsets.Length, 18_500, 21_500);
    }

    [Fact]
    public void Gamma_burstiness_below_one_raises_the_spread_of_gaps()
    {
        static double CoefficientOfVariation(double[] t)
        {
            var gaps = t.Zip(t.Skip(1)).Select(p => p.Second - p.First).ToArray();
            var mean = gaps.Average();
            return Math.Sqrt(gaps.Sum(g => (g - mean) * (g - mean)) / gaps.Length) / mean;
        }
        var poisson = CoefficientOfVariation(ArrivalSchedule.Plan(new ArrivalDefinition("gamma", 50, 1.0), 400, 1));
        var bursty = CoefficientOfVariation(ArrivalSchedule.Plan(new ArrivalDefinition("gamma", 50, 0.25), 400, 1));
        Assert.InRange(poisson, 0.95, 1.05);   // CV = 1/sqrt(shape)
        Assert.InRange(bursty, 1.8, 2.2);
    }

    [Fact]
    public void Bursts_add_spike_arrivals_only_inside_the_spike_windows()
    {
        var definition = new ArrivalDefinition("bursts", 0, Bursts: new BurstDefinition(SpikeRate: 100, SpikeSeconds: 5, PeriodSeconds: 30, OffsetSeconds: 10));
        var offsets = ArrivalSchedule.Plan(definition, 120, seed: 1);

        Assert.All(offsets, t => Assert.InRange((t - 10) % 30, 0, 5));
        Assert.InRange(offsets.Length, 1700, 2300); // 4 spikes x 5 s x 100/s
        Assert.Equal(20 + 100 * 5.0 / 30, ArrivalSchedule.MeanRate(definition with { Rate = 20 }), 9);
    }

    [Fact]
    public void Trace_replays_offsets_from_text_skipping_comments_and_a_header()
    {
        var offsets = ArrivalTrace.Parse(["offset_s,extra", "# recorded", "0.5,a", "0.1", "", "9.0"], durationSeconds: 5);
        Assert.Equal([0.1, 0.5], offsets);
    }

    [Theory]
    [InlineData("uniform", 1.0, null, "is not one of: constant, poisson, gamma, bursts, trace")]
    [InlineData("poisson", 0.0, null, "arrival.rate must be a positive number")]
    [InlineData("gamma", 5.0, null, "arrival.burstiness must be a positive number")]
    [InlineData("bursts", 5.0, null, "arrival.bursts is required")]
    public void Invalid_definitions_name_the_field_and_allowed_values(string kind, double rate, double? burstiness, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => ArrivalSchedule.Plan(new ArrivalDefinition(kind, rate, burstiness), 10, 1));
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(128)]
    [InlineData(512)]
    [InlineData(4000)]
    public void PromptBuilder_text_has_exactly_the_requested_cl100k_tokens(int tokens)
    {
        var text = PromptBuilder.Build(tokens, seed: tokens);
        Assert.Equal(tokens, Cl100k.Count(text));
        Assert.NotEqual(text, PromptBuilder.Build(tokens, seed: tokens + 1));
    }
}
