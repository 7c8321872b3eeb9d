// whatif's figures and --set parsing: the twin's records judged by the lab's run summary, cost and SLO terms.
using Lab.Cli.WhatIf;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;

namespace Lab.Cli.Tests;

public sealed class WhatIfPlannerTests
{
    private static readonly string[] Allowed = ["max-num-seqs", "max-num-batched-tokens", "gpu-memory-utilization"];

    private static readonly DateTimeOffset T0 = new(2026, 5, 15, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Successful requests of 128 tokens at the given latency, the last ending billedSeconds after t0; then drops.</summary>
    private static RequestRecord[] Records(int successful, int dropped, double latencySeconds, double billedSeconds)
    {
        var records = new List<RequestRecord>();
        for (var i = 0; i < successful + dropped; i++)
        {
            var sent = T0.AddSeconds(Math.Max(0, billedSeconds - latencySeconds) * i / Math.Max(1, successful + dropped - 1));
            var end = sent.AddSeconds(latencySeconds);
            records.Add(i < successful
                ? new RequestRecord(i, "twin", sent, sent, sent, end, null, RequestOutcome.Success, null, 200, 512, 128, 0, null,
                    latencySeconds * 1000, null, null)
                : new RequestRecord(i, "twin", sent, sent, null, null, end, RequestOutcome.Dropped, DropReason.Timeout, null, 512, 0,
                    null, null, null, null, null));
        }
        return [.. records];
    }

    private static WhatIfFigures Figures(RequestRecord[] records, ProfileDefinition profile, GpuPrice? price)
    {
        var definition = SeedReport.Definition;
        var summary = WhatIfPlanner.Summarise(records, T0, new RunScaling(1, 120, 120, "whole case"), definition.Cases[0], profile, definition, price);
        return WhatIfPlanner.Figures(summary, priced: price is not null);
    }

    [Fact]
    public void Run_cost_is_price_times_gpus_times_replicas_times_billed_hours()
    {
        var profile = SeedReport.Definition.Profiles[1] with { GpusPerReplica = 2, Replicas = 3 };

        var figures = Figures(Records(1000, 0, latencySeconds: 1.5, billedSeconds: 600), profile, SeedReport.Price);

        // 2.99 $/GPU-h × 2 GPUs × 3 replicas × 1/6 h = 2.99 $.
        // Decimal arithmetic leaves noise in the 28th digit; twenty decimals are far below any cent.
        Assert.Equal(2.99m, Math.Round(figures.RunCostUsd!.Value, 20));
        Assert.Equal(2.99m, Math.Round(figures.CostPer1KSuccessfulUsd!.Value, 20));
        Assert.Equal(Math.Round(2.99m / 128_000m * 1_000_000m, 20), Math.Round(figures.CostPer1MTokensUsd!.Value, 20));
        Assert.True(figures.SloPassed);
    }

    [Fact]
    public void The_seed_check_holds_2670_successful_at_0_019752_per_1k_is_0_052738()
    {
        // The seed check (Lab.Evidence/README.md), backwards: the run cost that gives $0.019752 per 1K over 2670 successful requests.
        var billedSeconds = Math.Round(0.052738 / 2.99 * 3600, 6);

        var figures = Figures(Records(2670, 0, 1.61, billedSeconds), SeedReport.Definition.Profiles[1], SeedReport.Price);

        Assert.Equal(0.019752m, Math.Round(figures.CostPer1KSuccessfulUsd!.Value, 6));
    }

    [Fact]
    public void Every_failing_slo_term_is_named()
    {
        // 90 successful at 10.91 s and 10 timeouts: p95 (10.91 s > 2 s) and dropped (10 % > 1 %) fail, p99 does too.
        var figures = Figures(Records(90, 10, 10.91, 60), SeedReport.Definition.Profiles[1], SeedReport.Price);

        Assert.False(figures.SloPassed);
        Assert.Equal(["p95_latency", "p99_latency", "dropped_fraction"], figures.Slo.Terms.Where(t => t.Failing).Select(t => t.Name));
        Assert.Equal("p95_latency 10.91 s exceeds 2 s", figures.Slo.FailingTerms[0]);
    }

    [Fact]
    public void Without_a_price_there_is_no_cost_and_without_success_no_cost_per_request()
    {
        var records = Records(0, 100, 120, 60);

        var unpriced = Figures(records, SeedReport.Definition.Profiles[0], null);
        var priced = Figures(records, SeedReport.Definition.Profiles[0], SeedReport.Price);

        Assert.Null(unpriced.RunCostUsd);
        Assert.NotNull(priced.RunCostUsd);
        Assert.Null(priced.CostPer1KSuccessfulUsd);
        Assert.Null(priced.CostPer1MTokensUsd);
    }

    [Fact]
    public void Set_parses_vllm_flag_names_and_the_python_spelling()
    {
        var overrides = ServerArgOverrides.Parse(["max-num-seqs=64", "max_num_batched_tokens=16384", "--gpu-memory-utilization=0.85"], Allowed);

        Assert.Equal("64", overrides["max-num-seqs"]);
        Assert.Equal("16384", overrides["max-num-batched-tokens"]);
        Assert.Equal("0.85", overrides["gpu-memory-utilization"]);
    }

    [Theory]
    [InlineData("max-num-seqs")]
    [InlineData("=64")]
    [InlineData("max-num-seqs=")]
    public void A_malformed_set_says_the_expected_form_and_the_allowed_names(string set)
    {
        var error = Assert.Throws<CliError>(() => ServerArgOverrides.Parse([set], Allowed));

        Assert.Equal(2, error.ExitCode);
        Assert.Contains("--set expects name=value (e.g. --set max-num-seqs=64)", error.Message);
        Assert.Contains("gpu-memory-utilization, max-num-batched-tokens, max-num-seqs", error.Hint);
    }

    [Fact]
    public void An_unknown_server_argument_names_the_allowed_ones()
    {
        var error = Assert.Throws<CliError>(() => ServerArgOverrides.Parse(["tensor-parallel-size=2"], Allowed));

        Assert.Contains("tensor-parallel-size", error.Message);
        Assert.Contains("max-num-seqs", error.Hint);
    }

    [Fact]
    public void Price_comes_from_the_profile_price_reference_then_the_gpu_kind()
    {
        var profile = SeedReport.Definition.Profiles[0] with { PriceRef = "h100-lambda", Gpu = "H100-SXM-80GB" };
        var byRef = SeedReport.Price with { Gpu = "h100-lambda", UsdPerGpuHour = 2.49m };

        Assert.Equal(2.49m, WhatIfPlanner.PriceFor(profile, [SeedReport.Price, byRef])!.UsdPerGpuHour);
        Assert.Equal(2.99m, WhatIfPlanner.PriceFor(profile, [SeedReport.Price])!.UsdPerGpuHour);
        Assert.Null(WhatIfPlanner.PriceFor(profile, []));
    }
}
