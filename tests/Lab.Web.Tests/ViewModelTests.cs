// The experiment card's generated text: roles read from the definition, headline cards and the lead from the matrix.
using Lab.Contracts.Costs;
using Lab.Web.Model;

namespace Lab.Web.Tests;

public sealed class ViewModelTests
{
    [Fact]
    public void Roles_come_from_arrival_and_max_num_seqs_not_from_order()
    {
        var roles = MatrixRoles.From(Fixtures.Definition(optimizedFirst: true));

        Assert.Equal(new MatrixRoles(Fixtures.Steady, Fixtures.Burst, Fixtures.Naive, Fixtures.Optimized), roles);
    }

    [Fact]
    public void Without_distinct_max_num_seqs_the_definition_order_decides()
    {
        var roles = MatrixRoles.From(Fixtures.Definition(naiveSeqs: "8", optimizedSeqs: "8", optimizedFirst: true));

        Assert.Equal(Fixtures.Optimized, roles.NaiveProfile);
        Assert.Equal(Fixtures.Naive, roles.OptimizedProfile);
    }

    [Theory]
    [InlineData("bursts", null, true)]
    [InlineData("gamma", 0.5, true)]
    [InlineData("gamma", 1.0, false)]
    [InlineData("poisson", null, false)]
    [InlineData("constant", null, false)]
    public void Bursty_arrivals_are_on_off_bursts_or_gamma_below_one(string kind, double? burstiness, bool bursty) =>
        Assert.Equal(bursty, MatrixRoles.IsBursty(new Lab.Contracts.Experiments.ArrivalDefinition(kind, 10, burstiness)));

    [Fact]
    public void Headline_cards_reproduce_the_seed_card_from_its_runs()
    {
        var cards = Headlines.Build(Fixtures.Definition(), Fixtures.SeedMatrix());

        Assert.Collection(cards,
            c => Assert.Equal(("Steady optimized", "$0.019752", "per 1K successful requests; SLO pass", Tone.Good), (c.Label, c.Value, c.Detail, c.Tone)),
            c => Assert.Equal(("Naive steady", "$0.137976", "per 1K successful requests; 2,227 dropped", Tone.Bad), (c.Label, c.Value, c.Detail, c.Tone)),
            c => Assert.Equal(("Burst optimized", "10.91s p95", "$0.012768 per 1K, but SLO miss", Tone.Bad), (c.Label, c.Value, c.Detail, c.Tone)));
    }

    [Fact]
    public void A_cell_without_a_finalized_run_says_what_to_do()
    {
        var matrix = Fixtures.SeedMatrix() with { Cells = [Fixtures.Cell(Fixtures.Steady, Fixtures.Optimized, null)] };

        var card = Assert.Single(Headlines.Build(Fixtures.Definition(), matrix));

        Assert.Equal("—", card.Value);
        Assert.Contains("run this cell", card.Detail);
    }

    [Fact]
    public void The_lead_compares_profiles_per_case_and_names_who_passed()
    {
        var lead = Headlines.Lead(Fixtures.Definition(), Fixtures.SeedMatrix());

        Assert.Equal("Per 1K successful requests, optimized vs naive: burst 12.9× cheaper, steady 7× cheaper — but only the steady optimized run passed the SLO.", lead);
    }

    [Fact]
    public void No_lead_until_a_case_has_both_profiles()
    {
        var matrix = Fixtures.SeedMatrix() with { Cells = [Fixtures.SeedMatrix().Cells[0]] };

        Assert.Null(Headlines.Lead(Fixtures.Definition(), matrix));
    }

    [Fact]
    public void Run_shape_and_arrivals_read_like_the_card()
    {
        var definition = Fixtures.Definition();

        Assert.Equal("2 cases across 512 prompt tokens and 128 output tokens, paired with 2 run profiles.", Describe.RunShape(definition));
        Assert.Equal("12 req/s base + 45 req/s for 10 s every 30 s", Describe.Arrival(definition.Cases[0].Arrival));
        Assert.Equal("Poisson 22 req/s", Describe.Arrival(definition.Cases[1].Arrival));
        Assert.Equal(["p95 request latency ≤ 2 s", "p99 request latency ≤ 5 s", "dropped ≤ 1 %"], Describe.Slo(definition.Slo));
        Assert.Equal("./scripts/experiment run --experiment cost --case steady-cost-efficiency --profile optimized-batched",
            Describe.RunCommand("cost", Fixtures.Steady, Fixtures.Optimized));
    }

    [Theory]
    [InlineData(0.019752, "$0.019752")]
    [InlineData(0.1, "$0.100000")]
    public void Costs_keep_six_decimals(decimal value, string expected) => Assert.Equal(expected, Format.Usd(value));

    [Fact]
    public void Latencies_read_in_seconds_with_two_decimals()
    {
        Assert.Equal("1.61s", Format.Seconds(1610));
        Assert.Equal("120.00s", Format.Seconds(120_000));
        Assert.Equal("—", Format.Seconds(null));
    }

    [Fact]
    public void Evidence_line_names_each_decision_and_its_status()
    {
        var decision = new DecisionRecord(Guid.NewGuid(), "cost", "Useful-work cost", "s", [], [], DecisionStatus.Supported, DateTimeOffset.UnixEpoch);

        Assert.Equal("Supported: Useful-work cost", Describe.Evidence([decision]));
        Assert.Equal("No decision cites this experiment yet", Describe.Evidence([]));
    }
}
