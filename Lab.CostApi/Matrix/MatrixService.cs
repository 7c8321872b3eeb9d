// Assembles the experiment matrix, its findings and decisions, and the JSON/CSV reports built from it.
using System.Globalization;
using System.Text;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Lab.CostApi.Decisions;
using System.Text.Json;
using Lab.Contracts;
using Npgsql;
using Lab.CostApi.Records;
using Lab.CostApi.Summaries;
using Lab.Evidence;

namespace Lab.CostApi.Matrix;

public sealed class MatrixService(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>
    /// One round trip: the definition, the pinned and latest-completed selections with their stored summaries, and the
    /// decision records. Request records are never read here, so the cost does not grow with the ledger.
    /// </summary>
    public async Task<(ExperimentDefinition Definition, ExperimentMatrix Matrix)?> BuildAsync(string experiment, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        var definitionCommand = new NpgsqlBatchCommand("SELECT definition FROM experiments WHERE id = @experiment");
        definitionCommand.Parameters.AddWithValue("experiment", experiment);
        batch.BatchCommands.Add(definitionCommand);
        foreach (var command in CellSelections.Commands(experiment))
        {
            batch.BatchCommands.Add(command);
        }
        batch.BatchCommands.Add(DecisionStore.Command(experiment, null));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        var definition = JsonSerializer.Deserialize(reader.GetString(0), LabJsonContext.Default.ExperimentDefinition)!;
        await reader.NextResultAsync(ct);
        var selected = await CellSelections.ReadAsync(reader, ct);
        var rows = await DecisionStore.ReadAsync(reader, ct);

        var cells = new List<MatrixCell>();
        foreach (var caseDefinition in definition.Cases)
        {
            foreach (var profile in definition.Profiles)
            {
                cells.Add(selected.TryGetValue((caseDefinition.Id, profile.Id), out var cell)
                    ? new MatrixCell(caseDefinition.Id, profile.Id, cell.Pinned, cell.Run, cell.Summary)
                    : new MatrixCell(caseDefinition.Id, profile.Id, false, null, null));
            }
        }
        var reportDate = cells.Select(c => c.Summary?.FinalizedAt).Max();
        var records = rows.Select(r => DecisionStore.Evaluate(r, selected)).ToList();
        return (definition, new ExperimentMatrix(definition.Id, definition.Title, cells, Findings.Write(definition, cells),
            definition.EvidenceBoundary, reportDate, records));
    }

    public async Task<ExperimentReport?> ReportAsync(string experiment, CancellationToken ct) =>
        await BuildAsync(experiment, ct) is { } built ? new ExperimentReport(built.Definition, built.Matrix, clock.GetUtcNow()) : null;

    public const string CsvHeader =
        "experiment,case,profile,run_id,pinned,status,scheduled,successful,dropped,p95_latency_s,p99_latency_s,successful_e2e_p95_s," +
        "requests_per_s,output_tokens_per_s,billed_s,run_cost_usd,cost_per_1k_successful_usd,cost_per_1m_tokens_usd,goodput,slo,failing_terms," +
        "gpu,usd_per_gpu_hour,price_source,price_as_of,finalized_at,evidence_boundary";

    /// <summary>One row per cell; money rounded to six decimals here, at the edge, never in storage.</summary>
    public static string ToCsv(ExperimentMatrix matrix)
    {
        var csv = new StringBuilder().AppendLine(CsvHeader);
        string N(double? v, string format = "0.######") => v?.ToString(format, CultureInfo.InvariantCulture) ?? "";
        string M(decimal? v) => v is { } d ? CostMath.Display(d).ToString("0.000000", CultureInfo.InvariantCulture) : "";
        foreach (var cell in matrix.Cells)
        {
            var s = cell.Summary;
            csv.AppendLine(string.Join(',',
                RecordCsv.Escape(matrix.Experiment), RecordCsv.Escape(cell.Case), RecordCsv.Escape(cell.Profile),
                cell.Run?.Id.ToString() ?? "", cell.Pinned ? "true" : "false", cell.Run?.Status.ToString() ?? "",
                cell.Run?.Scheduled.ToString(CultureInfo.InvariantCulture) ?? "",
                s?.Successful.ToString(CultureInfo.InvariantCulture) ?? "", s?.Dropped.ToString(CultureInfo.InvariantCulture) ?? "",
                N(s?.RequestLatency?.P95 / 1000), N(s?.RequestLatency?.P99 / 1000), N(s?.SuccessfulE2e?.P95 / 1000),
                N(s?.RequestsPerSecond), N(s?.OutputTokensPerSecond), N(s?.BilledSeconds, "0.###"),
                M(s?.RunCostUsd), M(s?.CostPer1KSuccessfulUsd), M(s?.CostPer1MTokensUsd),
                s?.Goodput.ToString(CultureInfo.InvariantCulture) ?? "",
                s is null ? "" : s.Slo.Passed ? "pass" : "miss", RecordCsv.Escape(s is null ? "" : string.Join("; ", s.Slo.FailingTerms)),
                RecordCsv.Escape(s?.Price.Gpu), s is null ? "" : s.Price.UsdPerGpuHour.ToString(CultureInfo.InvariantCulture),
                RecordCsv.Escape(s?.Price.Source), s?.Price.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
                s?.FinalizedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "",
                RecordCsv.Escape(matrix.EvidenceBoundary)));
        }
        return csv.ToString();
    }
}
