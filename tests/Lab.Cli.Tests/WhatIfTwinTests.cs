// whatif on the real GPU twin in virtual time, no lab running: the cost experiment's definition as cost.yaml has it.
using System.Text.Json;
using Lab.Cli.Connection;
using Lab.Cli.WhatIf;

namespace Lab.Cli.Tests;

public sealed class WhatIfTwinTests
{
    private static CliServices Services() => OfflineServices.Seed();

    private static async Task<WhatIfReport> AskAsync(params string[] args)
    {
        var result = await CliHarness.RunAsync(["whatif", "cost", "--json", "--price", "2.99", "--api", "http://127.0.0.1:9", .. args], Services());
        Assert.True(result.ExitCode == 0, result.Error);
        return JsonSerializer.Deserialize(result.Out, CliJsonContext.Default.WhatIfReport)!;
    }

    [Fact]
    public async Task The_twin_reproduces_the_seed_cards_pattern()
    {
        var report = await AskAsync();

        Assert.StartsWith("files in", report.DefinitionSource);
        WhatIfCell Cell(string c, string p) => report.Cells.Single(x => x.Case.StartsWith(c) && x.Profile.StartsWith(p));
        var steadyNaive = Cell("steady", "naive");
        var steadyOptimized = Cell("steady", "optimized");
        var burstOptimized = Cell("burst", "optimized");
        Assert.True(steadyOptimized.Predicted.SloPassed, "steady optimized passes the SLO");
        Assert.Equal(0, steadyOptimized.Predicted.Dropped);
        Assert.True(steadyNaive.Predicted.Dropped > steadyNaive.Predicted.Successful, "naive drops most of its work");
        Assert.False(burstOptimized.Predicted.SloPassed, "burst optimized misses the SLO");
        Assert.True(burstOptimized.Predicted.CostPer1KSuccessfulUsd < steadyOptimized.Predicted.CostPer1KSuccessfulUsd,
            "burst optimized is the cheapest per useful request");
        Assert.True(steadyNaive.Predicted.CostPer1KSuccessfulUsd > 5 * steadyOptimized.Predicted.CostPer1KSuccessfulUsd);
    }

    [Fact]
    public async Task More_replicas_of_the_naive_profile_do_more_useful_work()
    {
        var one = await AskAsync("--case", "steady-cost-efficiency", "--profile", "naive-single");
        var four = await AskAsync("--case", "steady-cost-efficiency", "--profile", "naive-single", "--replicas", "4");

        Assert.Equal(4, four.Cells.Single().Replicas);
        Assert.True(four.Cells.Single().Predicted.Successful > 3 * one.Cells.Single().Predicted.Successful);
    }

    [Fact]
    public async Task Set_changes_the_server_arguments_the_twin_runs_with()
    {
        var report = await AskAsync("--profile", "naive-single", "--set", "max-num-seqs=64");

        Assert.All(report.Cells, c => Assert.Equal("64", c.ServerArgs["max-num-seqs"]));
        Assert.True(report.Cells.Single(c => c.Case.StartsWith("steady")).Predicted.SloPassed);
    }

    [Fact]
    public async Task A_malformed_set_names_the_form_and_the_twins_flags()
    {
        var result = await CliHarness.RunAsync(["whatif", "cost", "--set", "max-num-seqs"], Services());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--set expects name=value (e.g. --set max-num-seqs=64)", result.FlatError);
        Assert.Contains("max-num-batched-tokens", result.FlatError);
    }

    [Fact]
    public async Task An_unknown_case_names_the_valid_ones()
    {
        var result = await CliHarness.RunAsync(["whatif", "cost", "--case", "spiky", "--api", "http://127.0.0.1:9"], Services());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Valid cases: steady-cost-efficiency, burst-cost-efficiency", result.FlatError);
    }
}
