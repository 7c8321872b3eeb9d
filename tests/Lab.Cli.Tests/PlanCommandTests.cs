// `experiment plan` on the real GPU twin in virtual time, no lab running: the cost experiment as the seed defines it,
// prices from the command line. What it recommends must pass, and bad input is refused naming what is allowed.
using System.Text.Json;
using Lab.Cli.Commands;
using Lab.Cli.Connection;
using Lab.Cli.WhatIf;
using Lab.ServingSim.Engine.Hardware;

namespace Lab.Cli.Tests;

public sealed class PlanCommandTests
{
    private static readonly string RepositoryRoot = LabState.FindRepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("Tests run inside the repository.");

    private static readonly string[] Prices = ["--price", "H100-SXM-80GB=2.99", "--price", "H100-PCIe-80GB=2.49"];

    private static CliServices Services() => new()
    {
        WorkingDirectory = RepositoryRoot,
        GetEnvironmentVariable = _ => null,
        WhatIfEngine = new TwinWhatIfEngine(),
        LocalExperiments = new DefinitionsInMemory(),
    };

    private sealed class DefinitionsInMemory : ILocalExperiments
    {
        public IReadOnlyList<Lab.Contracts.Experiments.ExperimentDefinition> LoadExperiments(string repositoryRoot) => [SeedReport.Definition];
    }

    private static Task<CliResult> PlanAsync(params string[] args) =>
        CliHarness.RunAsync(["plan", "cost", "--api", "http://127.0.0.1:9", .. args], Services());

    [Fact]
    public async Task The_steady_pick_meets_the_slo_for_no_more_than_optimized_batched_and_the_json_carries_the_frontier()
    {
        var result = await PlanAsync(["--case", "steady-cost-efficiency", "--max-replicas", "2", "--scale", "0.25", "--json", .. Prices]);

        Assert.True(result.ExitCode == 0, result.Error);
        var report = JsonSerializer.Deserialize(result.Out, CliJsonContext.Default.PlanReport)!;
        var plan = Assert.Single(report.Cases);
        Assert.Equal("steady-cost-efficiency", plan.Case);
        Assert.NotNull(plan.Pick);
        Assert.True(plan.Pick.MeetsSlo);
        Assert.Equal(["gpu-memory-utilization", "max-num-batched-tokens", "max-num-seqs"], plan.Pick.ServerArgs.Keys.Where(k => k != "max-num-queued-reqs"));
        var optimized = plan.Profiles.Single(p => p.Profile == "optimized-batched");
        Assert.True(plan.Pick.Predicted.CostPer1KSuccessfulUsd <= optimized.Predicted.CostPer1KSuccessfulUsd);
        Assert.NotNull(plan.RunnerUp);
        Assert.NotEqual(plan.Pick.Gpu, plan.RunnerUp.Gpu);
        Assert.Contains(plan.Frontier, f => f.Predicted.CostPer1KSuccessfulUsd == plan.Pick.Predicted.CostPer1KSuccessfulUsd);
        Assert.Equal(2 * 2 * 11 * 4 * 4, report.SetupsInSpace);
        Assert.Equal(plan.Counts.Simulated, report.SetupsSimulated);
        Assert.True(report.SetupsSimulated < report.SetupsInSpace / 2, $"{report.SetupsSimulated} of {report.SetupsInSpace} simulated");
    }

    [Fact]
    public async Task The_text_names_the_pick_its_server_args_the_runner_up_and_the_profiles_it_beats()
    {
        var result = await PlanAsync(["--case", "steady-cost-efficiency", "--max-replicas", "2", "--scale", "0.1", .. Prices]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("recommended: 1 × H100-", result.Flat);
        Assert.Contains("--max-num-seqs", result.Flat);
        Assert.Contains("runner-up: 2 × H100-PCIe-80GB", result.Flat);
        Assert.Contains("per 1K successful than naive-single (which misses the SLO", result.Flat);
        Assert.Contains("Meets every term: p95_latency", result.Flat);
    }

    [Fact]
    public async Task Without_a_passing_setup_on_another_gpu_the_runner_up_says_so()
    {
        // One PCIe replica is too slow for the steady case (p95 above 2 s), one SXM replica is not.
        var result = await PlanAsync(["--case", "steady-cost-efficiency", "--max-replicas", "1", "--scale", "0.1", .. Prices]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("recommended: 1 × H100-SXM-80GB", result.Flat);
        Assert.Contains("runner-up: no setup on another GPU type meets the SLO within the space.", result.Flat);
    }

    [Fact]
    public async Task An_slo_no_setup_meets_within_the_space_is_said_with_the_closest_setup()
    {
        // One replica of the slower GPU cannot hold the burst spikes under 2 s whatever its flags.
        var result = await PlanAsync(["--case", "burst-cost-efficiency", "--gpus", "H100-PCIe-80GB", "--max-replicas", "1", "--scale", "0.25", .. Prices]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("No setup in the space meets the SLO.", result.Flat);
        Assert.Contains("closest: 1 × H100-PCIe-80GB", result.Flat);
        Assert.DoesNotContain("recommended:", result.Flat);
    }

    [Theory]
    [InlineData("--max-replicas 0", "--max-replicas must be between 1 and 64, not 0.")]
    [InlineData("--gpus A100-40GB", "Unknown GPU 'A100-40GB'. Valid GPUs: H100-SXM-80GB, H100-PCIe-80GB.")]
    [InlineData("--case spiky", "Valid cases: steady-cost-efficiency, burst-cost-efficiency")]
    [InlineData("--price H100-SXM-80GB", "--price takes GPU=USD per GPU-hour above 0, e.g. --price H100-SXM-80GB=2.99, not 'H100-SXM-80GB'.")]
    [InlineData("--price H100-SXM-80GB=-1", "--price takes GPU=USD per GPU-hour above 0")]
    public async Task Bad_input_is_a_usage_error_naming_what_is_allowed(string args, string message)
    {
        var result = await PlanAsync([.. args.Split(' '), .. Prices.Take(args.StartsWith("--price") ? 0 : 4)]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.FlatError);
    }

    [Fact]
    public async Task A_gpu_without_a_price_is_refused_saying_how_to_give_one()
    {
        var result = await PlanAsync("--price", "H100-SXM-80GB=2.99");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("No price for H100-PCIe-80GB", result.FlatError);
        Assert.Contains("--price H100-PCIe-80GB=<usd per GPU-hour>", result.FlatError);
    }

    [Fact]
    public void A_gpu_the_table_knows_without_the_experiments_model_names_the_gpus_that_have_it()
    {
        var sxm = HardwareProfiles.Default.Find("H100-SXM-80GB", "llama-3.1-8b");
        var seventyOnPcie = HardwareProfiles.Default.Find("H100-PCIe-80GB", "llama-3.1-70b-fp8");
        var table = new HardwareProfiles([sxm, seventyOnPcie]);

        var error = Assert.Throws<CliError>(() => PlanCommand.Hardware(table, SeedReport.Definition, "H100-PCIe-80GB"));

        Assert.Equal(2, error.ExitCode);
        Assert.Equal("GPU 'H100-PCIe-80GB' has no calibration for llama-3.1-8b. GPUs calibrated for it: H100-SXM-80GB.", error.Message);
    }
}
