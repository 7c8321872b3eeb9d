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
    private static readonly string RepositoryRoot = OfflineServices.RepositoryRoot;

    private static readonly string[] Prices = ["--price", "H100-SXM-80GB=2.99", "--price", "H100-PCIe-80GB=2.49"];

    private static CliServices Services() => OfflineServices.Seed();

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

    /// <summary>A checkout of just the experiment files (Lab.sln marks the root), read from disk as the CLI reads them.</summary>
    private static (string Root, string File, CliServices Services) Checkout()
    {
        var root = CliHarness.EmptyDirectory();
        File.WriteAllText(Path.Combine(root, "Lab.sln"), "");
        Directory.CreateDirectory(Path.Combine(root, "experiments"));
        var file = Path.Combine(root, "experiments", "cost.yaml");
        File.Copy(Path.Combine(RepositoryRoot, "experiments", "cost.yaml"), file);
        return (root, file, new CliServices
        {
            WorkingDirectory = root,
            GetEnvironmentVariable = _ => null,
            WhatIfEngine = new TwinWhatIfEngine(),
            LocalExperiments = new ExperimentFiles(),
        });
    }

    private static readonly string[] WriteSteady =
        ["plan", "cost", "--case", "steady-cost-efficiency", "--max-replicas", "1", "--scale", "0.1", "--api", "http://127.0.0.1:9", "--write", .. Prices];

    [Fact]
    public async Task Write_adds_the_pick_as_a_profile_keeping_every_comment_and_a_second_write_replaces_it()
    {
        var (_, file, services) = Checkout();
        var original = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);

        var first = await CliHarness.RunAsync(WriteSteady, services);
        var second = await CliHarness.RunAsync(WriteSteady, services);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains($"Wrote planned-steady-cost-efficiency to {file}", first.Flat);
        var text = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "- id: planned-steady-cost-efficiency"));
        // Taking out the block it wrote gives back the original, byte for byte: every comment and line kept, in order.
        var lines = text.Split('\n').ToList();
        var from = lines.FindIndex(l => l.StartsWith("  # planned-steady-cost-efficiency:", StringComparison.Ordinal));
        var to = lines.FindIndex(from, l => l == "    server-args:") + 1;
        while (to < lines.Count && lines[to].StartsWith("      ", StringComparison.Ordinal))
        {
            to++;
        }
        lines.RemoveRange(from, to - from);
        Assert.Equal(original.Split('\n'), lines);
        Assert.Contains("# planned-steady-cost-efficiency: written by `experiment plan cost` on ", text);
        var definition = Lab.Experiments.Definitions.ExperimentLoader.Load("cost.yaml", text);
        var planned = definition.Profiles.Single(p => p.Id == "planned-steady-cost-efficiency");
        Assert.Equal(("gpu-planned-steady-cost-efficiency", 1, "H100-SXM-80GB"), (planned.Target, planned.Replicas, planned.Gpu));
        Assert.Equal(["naive-single", "optimized-batched", "planned-steady-cost-efficiency"], definition.Profiles.Select(p => p.Id));
        Assert.Equal(definition.Slo, Lab.Experiments.Definitions.ExperimentLoader.Load("cost.yaml", original).Slo);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Write_to_a_read_only_file_changes_nothing_and_says_why()
    {
        var (_, file, services) = Checkout();
        var before = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = await CliHarness.RunAsync(WriteSteady, services);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Cannot write {file}, so nothing was changed: the file is read-only", result.FlatError);
        Assert.Equal(before, await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(file)!, "*.next"));
    }

    [Fact]
    public void Write_to_an_invalid_file_changes_nothing_and_names_the_problem()
    {
        var (_, file, _) = Checkout();
        var broken = File.ReadAllText(file).Replace("p95-latency-seconds: 2", "p95-latency-seconds: fast", StringComparison.Ordinal);
        File.WriteAllText(file, broken);
        var plan = new Lab.ServingSim.Planner.CasePlan("steady-cost-efficiency", null, null, null, [], [], new(0, 0, 0, 0, 0), [], 0);

        var error = Assert.Throws<CliError>(() => PlannedProfileWriter.Write(file, plan with { Pick = Pick() }, Report(), DateTimeOffset.UnixEpoch));

        Assert.StartsWith($"{file} is not a valid experiment file, so nothing was written:", error.Message);
        Assert.Equal(broken, File.ReadAllText(file));
    }

    [Fact]
    public void Write_without_a_passing_setup_writes_nothing()
    {
        var (_, file, _) = Checkout();
        var before = File.ReadAllText(file);
        var plan = new Lab.ServingSim.Planner.CasePlan("burst-cost-efficiency", null, null, Pick(), [], [], new(0, 0, 0, 0, 0), [], 0);

        var error = Assert.Throws<CliError>(() => PlannedProfileWriter.Write(file, plan, Report(), DateTimeOffset.UnixEpoch));

        Assert.Equal(2, error.ExitCode);
        Assert.Contains("has no setup that meets the SLO, so there is nothing to write", error.Message);
        Assert.Equal(before, File.ReadAllText(file));
    }

    private static Lab.ServingSim.Planner.PlannedSetup Pick() => new("H100-SXM-80GB", "llama-3.1-8b", "bf16", 1, 1,
        new Dictionary<string, string> { ["max-num-seqs"] = "64" },
        new Lab.ServingSim.Planner.SetupFigures(10, 10, 0, 1, 1, 0.01m, 1m, 1m, new Lab.Contracts.Costs.SloVerdict(true, [], [])));

    private static PlanReport Report() => new("cost", "test", 42, 1, 1, [], [], new(2, 5, 0.01), [], 0, 0, 0);
}
