// The experiment matrix, findings, selections, reports and decision claims over constructed runs.
using System.Net;
using Lab.Contracts.Costs;
using Refit;
using static Lab.CostApi.Tests.TestRuns;

namespace Lab.CostApi.Tests;

public sealed class MatrixTests(CostApiFixture fixture)
{
    private readonly ICostApi _api = fixture.Api;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Four cells shaped like the seed card: steady optimized passes, burst optimized is cheapest but misses.</summary>
    private async Task<Dictionary<(string, string), RunSummary>> SeedLikeMatrixAsync(string experiment, bool withBurst = true)
    {
        await _api.UpsertExperimentAsync(experiment, Definition(experiment), Ct);
        var cells = new Dictionary<(string, string), RunSummary>
        {
            [(Steady, Optimized)] = await RunAsync(_api, experiment, Steady, Optimized,
                Enumerable.Range(0, 20).Select(i => Success(i, i * 100, 1_610)).ToList(), Ct),
            [(Steady, Naive)] = await RunAsync(_api, experiment, Steady, Naive,
                Enumerable.Range(0, 4).Select(i => Success(i, i * 100, 1_000))
                    .Concat(Enumerable.Range(4, 16).Select(i => Dropped(i, i * 100, 60_000))).ToList(), Ct),
        };
        if (withBurst)
        {
            cells[(Burst, Optimized)] = await RunAsync(_api, experiment, Burst, Optimized,
                Enumerable.Range(0, 20).Select(i => Success(i, i * 100, i >= 18 ? 10_910 : 1_000)).ToList(), Ct);
            cells[(Burst, Naive)] = await RunAsync(_api, experiment, Burst, Naive,
                Enumerable.Range(0, 2).Select(i => Success(i, i * 100, 1_000))
                    .Concat(Enumerable.Range(2, 18).Select(i => Dropped(i, i * 100, 120_000))).ToList(), Ct);
        }
        return cells;
    }

    private static string NewExperiment() => "mx-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Matrix_shows_every_cell_with_findings_boundary_and_report_date()
    {
        var experiment = NewExperiment();
        var cells = await SeedLikeMatrixAsync(experiment);
        var matrix = await _api.GetMatrixAsync(experiment, Ct);

        Assert.Equal(4, matrix.Cells.Count);
        Assert.All(matrix.Cells, c => Wire.Equal(cells[(c.Case, c.Profile)], c.Summary));
        Assert.Equal(Boundary, matrix.EvidenceBoundary);
        Assert.Equal(cells.Values.Max(s => s.FinalizedAt), matrix.ReportDate);
        Assert.Contains("The steady optimized profile completed 20 successful requests with no dropped work and p95 1.61s.", matrix.Findings);
        Assert.Contains("The steady naive profile completed 4 successful requests with 16 dropped and p95 60.00s.", matrix.Findings);
        Assert.Contains("The burst optimized profile was cheapest per useful request but still missed latency with p95 10.91s.", matrix.Findings);
        Assert.Contains(matrix.Findings, f => f.StartsWith("The steady optimized profile was cheapest per useful request at $0.14", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Selection_defaults_to_the_latest_completed_run_and_can_be_pinned_and_unpinned()
    {
        var experiment = NewExperiment();
        var first = (await SeedLikeMatrixAsync(experiment, withBurst: false))[(Steady, Optimized)];
        var second = await RunAsync(_api, experiment, Steady, Optimized, Enumerable.Range(0, 10).Select(i => Success(i, i * 100, 900)).ToList(), Ct);
        // A newer run that never completed must not take the cell.
        await StartAsync(_api, Register(experiment, Steady, Optimized, 5), Ct);

        MatrixCell Cell(ExperimentMatrix m) => m.Cells.Single(c => c.Case == Steady && c.Profile == Optimized);
        Assert.Equal(second.RunId, Cell(await _api.GetMatrixAsync(experiment, Ct)).Run!.Id);

        var pinned = Cell(await _api.PinSelectionAsync(experiment, new PinSelectionRequest(Steady, Optimized, first.RunId), Ct));
        Assert.True(pinned.Pinned);
        Wire.Equal(first, pinned.Summary);

        var wrongCell = await Assert.ThrowsAnyAsync<ApiException>(() => _api.PinSelectionAsync(experiment, new PinSelectionRequest(Burst, Optimized, first.RunId), Ct));
        Assert.Equal(HttpStatusCode.BadRequest, wrongCell.StatusCode);
        var unknownCase = await Assert.ThrowsAnyAsync<ApiException>(() => _api.PinSelectionAsync(experiment, new PinSelectionRequest("nope", Optimized, first.RunId), Ct));
        Assert.Contains(Steady, Problem.Errors(unknownCase)["case"][0]);

        var unpinned = Cell(await _api.UnpinSelectionAsync(experiment, Steady, Optimized, Ct));
        Assert.False(unpinned.Pinned);
        Assert.Equal(second.RunId, unpinned.Run!.Id);
    }

    [Fact]
    public async Task Claims_evaluate_to_supported_contradicted_and_pending()
    {
        var experiment = NewExperiment();
        await SeedLikeMatrixAsync(experiment);
        Claim Cheaper(string c, string a, string b) => new("cost_per_1k_successful", c, a, "lt", c, b);

        var supported = await _api.CreateDecisionAsync(new DecisionRecordInput(experiment, "Useful-work cost",
            "Use batching for small-request economics, but gate burst SLO claims.",
            [Cheaper(Steady, Optimized, Naive), Cheaper(Burst, Optimized, Naive),
             new Claim("slo", Steady, Optimized, "eq", Value: "pass"), new Claim("slo", Burst, Optimized, "eq", Value: "miss")]), Ct);
        Assert.Equal(DecisionStatus.Supported, supported.Status);
        Assert.All(supported.Evaluations, e => Assert.Equal(ClaimStatus.Holds, e.Status));
        Assert.Equal("pass", supported.Evaluations[2].Left);

        var contradicted = await _api.UpdateDecisionAsync(supported.Id, new DecisionRecordInput(experiment, "Burst passes",
            "Optimized batching meets the burst SLO.", [Cheaper(Steady, Optimized, Naive), new Claim("slo", Burst, Optimized, "eq", Value: "pass")]), Ct);
        Assert.Equal(DecisionStatus.Contradicted, contradicted.Status);
        var failed = contradicted.Evaluations[1];
        Assert.Equal((ClaimStatus.Fails, "miss", "pass"), (failed.Status, failed.Left, failed.Right));
        Assert.StartsWith("$", contradicted.Evaluations[0].Left);

        var partial = NewExperiment();
        await SeedLikeMatrixAsync(partial, withBurst: false);
        var pending = await _api.CreateDecisionAsync(new DecisionRecordInput(partial, "Waiting for burst", "Needs burst evidence.",
            [Cheaper(Steady, Optimized, Naive), Cheaper(Burst, Optimized, Naive)]), Ct);
        Assert.Equal(DecisionStatus.Pending, pending.Status);
        Assert.Equal(ClaimStatus.Pending, pending.Evaluations[1].Status);
        Wire.Equal(pending, await _api.GetDecisionAsync(pending.Id, Ct));
        Assert.Contains(await _api.ListDecisionsAsync(partial, Ct), d => d.Id == pending.Id);

        var invalid = await Assert.ThrowsAnyAsync<ApiException>(() => _api.CreateDecisionAsync(
            new DecisionRecordInput(partial, "t", "s", [new Claim("speed", Steady, Optimized, "lt", Value: "1")]), Ct));
        Assert.Contains("cost_per_1k_successful", Problem.Errors(invalid)["claims[0].metric"][0]);
    }

    [Fact]
    public async Task The_seed_cost_decision_is_evaluated_against_the_cost_experiment()
    {
        var seed = Assert.Single(await _api.ListDecisionsAsync("cost", Ct), d => d.Title == "Useful-work cost");
        Assert.Equal("Use batching for small-request economics, but gate burst SLO claims.", seed.Statement);
        Assert.Equal(4, seed.Claims.Count);

        await SeedLikeMatrixAsync("cost");
        var evaluated = await _api.GetDecisionAsync(seed.Id, Ct);
        Assert.Equal(DecisionStatus.Supported, evaluated.Status);
        Assert.Contains((await _api.GetMatrixAsync("cost", Ct)).Decisions, d => d.Id == seed.Id && d.Status == DecisionStatus.Supported);
    }

    [Fact]
    public async Task Reports_export_as_json_and_csv_and_unknown_experiments_are_404()
    {
        var experiment = NewExperiment();
        await SeedLikeMatrixAsync(experiment);
        var report = await _api.GetReportAsync(experiment, Ct);
        Assert.Equal(experiment, report.Experiment.Id);
        Assert.Equal(4, report.Matrix.Cells.Count);

        using var csv = await _api.ExportReportCsvAsync(experiment, Ct);
        var lines = (await csv.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.Contains("cost_per_1k_successful_usd", lines[0]);
        Assert.Contains(lines, l => l.Contains($",{Burst},{Optimized},", StringComparison.Ordinal) && l.Contains(",miss,p95_latency 10.91 s exceeds 2 s; p99_latency 10.91 s exceeds 5 s,", StringComparison.Ordinal));

        var missing = await Assert.ThrowsAnyAsync<ApiException>(() => _api.GetMatrixAsync("no-such-experiment", Ct));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
