// The CLI in-process against the real lab: list, a small run, show (text and --json), whatif and export (json and csv).
using System.Text.Json;
using System.Text.RegularExpressions;
using Lab.Cli.Commands;
using Lab.Cli.Rendering;
using Lab.Cli.WhatIf;
using Lab.Contracts;
using Lab.Contracts.Costs;
using Lab.Contracts.Orchestration;

namespace Lab.Cli.Tests;

public sealed class RealLabTests(RealLab lab) : IClassFixture<RealLab>
{
    private static readonly (string Case, string Profile)[] Cells =
    [
        ("steady-cost-efficiency", "naive-single"), ("steady-cost-efficiency", "optimized-batched"),
        ("burst-cost-efficiency", "naive-single"), ("burst-cost-efficiency", "optimized-batched"),
    ];

    private Task<CliResult> CliAsync(params string[] args) => CliHarness.RunAsync(args, lab.Services);

    private RunProgress TheRun => JsonSerializer.Deserialize(lab.Run.Out, LabJsonContext.Default.RunProgress)!;

    [Fact]
    public async Task List_names_the_experiments_cases_and_profiles_the_orchestrator_loaded()
    {
        var result = await CliAsync("list", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        var experiments = JsonSerializer.Deserialize(result.Out, LabJsonContext.Default.IReadOnlyListExperimentDefinition)!;
        var cost = Assert.Single(experiments, e => e.Id == "cost");
        Assert.Equal(["steady-cost-efficiency", "burst-cost-efficiency"], cost.Cases.Select(c => c.Id));
        Assert.Equal(["naive-single", "optimized-batched"], cost.Profiles.Select(p => p.Id));

        var text = await CliAsync("list");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("Cost per Useful Work", text.Flat);
    }

    [Fact]
    public void A_small_run_completes_with_one_record_per_scheduled_request_and_a_verdict()
    {
        Assert.True(lab.Run.ExitCode == 0, $"exit {lab.Run.ExitCode}: {lab.Run.Error}");
        var run = TheRun;
        Assert.Equal(("cost", "steady-cost-efficiency", "optimized-batched", RunStatus.Completed), (run.Experiment, run.Case, run.Profile, run.Status));
        Assert.InRange(run.Scheduled, 20, 120);
        var summary = run.Summary!;
        Assert.Equal(run.RunId, summary.RunId);
        Assert.Equal(run.Scheduled, summary.Successful + summary.Dropped);
        Assert.True(summary.Successful > 0, "the twin answered");
        Assert.True(summary.CostPer1KSuccessfulUsd > 0);
        Assert.NotNull(summary.Slo);
    }

    [Fact]
    public async Task Show_renders_every_cell_of_the_matrix_with_the_measured_run_and_the_evidence_boundary()
    {
        var run = TheRun;
        var json = await CliAsync("show", "cost", "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        var report = JsonSerializer.Deserialize(json.Out, LabJsonContext.Default.ExperimentReport)!;
        Assert.Equal(Cells.Order(), report.Matrix.Cells.Select(c => (c.Case, c.Profile)).Order());
        var measured = Assert.Single(report.Matrix.Cells, c => c.Summary is not null);
        Assert.Equal(("steady-cost-efficiency", "optimized-batched", run.RunId), (measured.Case, measured.Profile, measured.Summary!.RunId));
        Assert.False(string.IsNullOrWhiteSpace(report.Matrix.EvidenceBoundary));

        var text = await CliAsync("show", "cost");

        Assert.True(text.ExitCode == 0, text.Error);
        var card = text.Flat;
        Assert.Contains("Cost per Useful Work", card);
        Assert.Contains(report.Experiment.Question, card);
        var summary = measured.Summary;
        Assert.Matches(
            $@"steady optimized {summary.Successful} / {summary.Dropped} {Regex.Escape(Format.Milliseconds(summary.RequestLatency?.P95))} " +
            $@"{Regex.Escape(Format.Usd(summary.CostPer1KSuccessfulUsd))} {Regex.Escape(Format.Usd(summary.CostPer1MTokensUsd, 4))} {(summary.Slo.Passed ? "pass" : "miss")}",
            card);
        foreach (var row in new[] { "steady naive", "burst naive", "burst optimized" })
        {
            Assert.Contains($"{row} no completed run yet — — — —", card);
        }
        Assert.Contains(CliResult.Fold(report.Matrix.EvidenceBoundary), card);
        Assert.Contains("Evidence boundary", card);
    }

    [Fact]
    public async Task Whatif_answers_from_the_twin_with_the_labs_definitions_prices_and_the_measured_cell_beside()
    {
        var result = await CliAsync("whatif", "cost", "--scale", "0.1", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        var report = JsonSerializer.Deserialize(result.Out, CliJsonContext.Default.WhatIfReport)!;
        // The running lab's address as DCP hands it out (Aspire names loopback "localhost").
        Assert.Matches(@"^lab at http://(127\.0\.0\.1|localhost):\d+/$", report.DefinitionSource);
        Assert.NotEmpty(report.Prices);
        Assert.Equal(Cells.Order(), report.Cells.Select(c => (c.Case, c.Profile)).Order());
        Assert.All(report.Cells, c => Assert.True(c.Predicted.Scheduled > 0 && c.Predicted.CostPer1KSuccessfulUsd > 0, $"{c.Case} {c.Profile}"));
        var steadyOptimized = report.Cells.Single(c => c.Case == "steady-cost-efficiency" && c.Profile == "optimized-batched");
        Assert.Equal(TheRun.Summary!.Successful, steadyOptimized.Measured!.Successful);
        Assert.True(steadyOptimized.Predicted.SloPassed, "the twin predicts the steady optimized cell passes");
        Assert.All(report.Cells.Where(c => c != steadyOptimized), c => Assert.Null(c.Measured));
    }

    [Fact]
    public async Task Export_writes_the_report_as_json_that_show_reads_back_and_as_one_csv_row_per_cell()
    {
        var directory = CliHarness.EmptyDirectory();
        var jsonPath = Path.Combine(directory, "cost.json");

        var json = await CliAsync("export", "cost", "--format", "json", "--out", jsonPath, "--json");

        Assert.True(json.ExitCode == 0, json.Error);
        var written = JsonSerializer.Deserialize(json.Out, CliJsonContext.Default.ExportResult)!;
        Assert.Equal(("cost", "json", jsonPath), (written.Experiment, written.Format, written.File));
        Assert.Equal(new FileInfo(jsonPath).Length, written.Bytes);
        var report = JsonSerializer.Deserialize(await File.ReadAllTextAsync(jsonPath, TestContext.Current.CancellationToken), LabJsonContext.Default.ExperimentReport)!;
        Assert.Equal(TheRun.RunId, report.Matrix.Cells.Single(c => c.Summary is not null).Summary!.RunId);
        var offline = await CliHarness.RunAsync(["show", "--from", jsonPath]);
        Assert.Equal(0, offline.ExitCode);
        Assert.Contains($"steady optimized {TheRun.Summary!.Successful} / {TheRun.Summary.Dropped}", offline.Flat);

        var csv = await CliAsync("export", "cost", "--format", "csv");

        Assert.True(csv.ExitCode == 0, csv.Error);
        var lines = csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("experiment,case,profile,run_id,", lines[0]);
        Assert.Equal(5, lines.Length);
        var measuredRow = Assert.Single(lines, l => l.Contains(TheRun.RunId.ToString(), StringComparison.Ordinal));
        Assert.StartsWith($"cost,steady-cost-efficiency,optimized-batched,{TheRun.RunId},", measuredRow);
        Assert.Contains($",{TheRun.Summary.Successful},{TheRun.Summary.Dropped},", measuredRow);
    }
}
