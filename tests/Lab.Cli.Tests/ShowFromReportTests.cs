// `show --from`: the seed card rendered from an exported report with no lab running.
using Spectre.Console.Testing;
using System.Text.Json;
using Lab.Contracts;
using Lab.Contracts.Costs;

namespace Lab.Cli.Tests;

public sealed class ShowFromReportTests
{
    private static async Task<string> WriteReportAsync(ExperimentReport report)
    {
        var path = Path.Combine(CliHarness.EmptyDirectory(), "report.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, LabJsonContext.Default.ExperimentReport), TestContext.Current.CancellationToken);
        return path;
    }

    [Fact]
    public async Task Renders_every_cell_the_evidence_boundary_findings_and_decisions()
    {
        var path = await WriteReportAsync(SeedReport.Build());

        var result = await CliHarness.RunAsync(["show", "--from", path]);

        Assert.Equal(0, result.ExitCode);
        var card = result.Flat;
        Assert.Contains("Cost per Useful Work", card);
        Assert.Contains("How much cheaper does the same GPU become when concurrency and batching produce more successful work?", card);
        Assert.Contains("Cost efficiency", card);
        Assert.Contains("2 cases / 2 profiles", card);
        // The matrix, row by row: successful / dropped, p95, cost per 1K, SLO.
        Assert.Matches(@"steady naive 413 / 2227 60\.31s \$0\.137976 \$[0-9.]+ miss", card);
        Assert.Matches(@"steady optimized 2670 / 0 1\.61s \$0\.019752 \$[0-9.]+ pass", card);
        Assert.Matches(@"burst naive 227 / 2882 120\.00s \$0\.164137 \$[0-9.]+ miss", card);
        Assert.Matches(@"burst optimized 2570 / 677 10\.91s \$0\.012768 \$[0-9.]+ miss", card);
        Assert.Contains("Cost / 1M", card);
        Assert.Contains(SeedReport.Boundary, card);
        Assert.Contains("The steady optimized profile completed 2670 successful requests with no dropped work and p95 1.61s.", card);
        Assert.Contains("Supported Useful-work cost — Use batching for small-request economics, but gate burst SLO claims.", card);
        Assert.Contains("2026-05-15", card);
        Assert.Contains("./scripts/experiment run --experiment cost --case steady-cost-efficiency --profile optimized-batched", card);
    }

    [Fact]
    public async Task Highlights_the_cheapest_passing_cell_and_the_cheapest_cell_that_misses()
    {
        var path = await WriteReportAsync(SeedReport.Build());

        var result = await CliHarness.RunAsync(["show", "--from", path]);

        // The highlights stand side by side, so their lines interleave: check each panel's own lines.
        Assert.Matches(@"steady optimized─+╮ ╭─burst naive─+╮ ╭─burst optimized", result.Out);
        Assert.Matches(@"\$0\.019752 +│ │ \$0\.164137 +│ │ 10\.91s p95", result.Out);
        Assert.Matches(@"per 1K successful requests; SLO pass │ │ per 1K successful requests; 2882 dropped │ │ \$0\.012768 per 1K, but SLO miss", result.Out);
    }

    [Fact]
    public async Task Colours_pass_green_and_miss_red()
    {
        var path = await WriteReportAsync(SeedReport.Build());

        var result = await CliHarness.RunAsync(["show", "--from", path], configure: c => c.Colors(Spectre.Console.ColorSystem.Standard).EmitAnsiSequences = true);

        Assert.Equal(0, result.ExitCode);
        // Spectre writes green as SGR 32 and red (its bright red) as SGR 91 in front of the word.
        Assert.Matches(@"\u001b\[[0-9;]*32mpass", result.Out);
        Assert.Matches(@"\u001b\[[0-9;]*91mmiss", result.Out);
    }

    [Fact]
    public async Task Json_prints_the_report_and_nothing_else()
    {
        var report = SeedReport.Build();
        var path = await WriteReportAsync(report);

        var result = await CliHarness.RunAsync(["show", "--from", path, "--json"]);

        Assert.Equal(0, result.ExitCode);
        var parsed = JsonSerializer.Deserialize(result.Out, LabJsonContext.Default.ExperimentReport)!;
        Assert.Equal("cost", parsed.Experiment.Id);
        Assert.Equal(4, parsed.Matrix.Cells.Count);
        Assert.Equal(report.Matrix.Cells.Select(c => c.Summary!.CostPer1KSuccessfulUsd), parsed.Matrix.Cells.Select(c => c.Summary!.CostPer1KSuccessfulUsd));
        Assert.Equal(SeedReport.Boundary, parsed.Matrix.EvidenceBoundary);
    }

    [Fact]
    public async Task A_cell_without_a_completed_run_says_so()
    {
        var report = SeedReport.Build();
        report = report with { Matrix = report.Matrix with { Cells = report.Matrix.Cells.Skip(1).ToList(), Decisions = [] } };
        var path = await WriteReportAsync(report);

        var result = await CliHarness.RunAsync(["show", "--from", path]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("steady naive no completed run yet", result.Flat);
        Assert.Contains("Pending Useful-work cost", result.Flat);
    }

    [Fact]
    public async Task A_report_of_another_experiment_is_a_usage_error()
    {
        var path = await WriteReportAsync(SeedReport.Build());

        var result = await CliHarness.RunAsync(["show", "latency", "--from", path]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("holds the report of experiment 'cost', not 'latency'", result.FlatError);
    }

    [Fact]
    public async Task A_missing_or_malformed_file_says_how_to_make_one()
    {
        var missing = await CliHarness.RunAsync(["show", "--from", "/nonexistent/report.json"]);
        var junkPath = Path.Combine(CliHarness.EmptyDirectory(), "junk.json");
        await File.WriteAllTextAsync(junkPath, "{ not json", TestContext.Current.CancellationToken);
        var junk = await CliHarness.RunAsync(["show", "--from", junkPath]);

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("export <experiment> --format json", missing.FlatError);
        Assert.Equal(2, junk.ExitCode);
        Assert.Contains("is not an exported experiment report", junk.FlatError);
        Assert.DoesNotContain("   at ", junk.Error);
    }
}
