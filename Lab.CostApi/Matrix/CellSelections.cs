// Which run stands for each case × profile: a pinned run, else the latest Completed run with a summary.
// Reads runs and stored summaries only, never request records, so the matrix stays fast at any ledger size.
using System.Text.Json;
using Lab.Contracts;
using Lab.Contracts.Costs;
using Lab.CostApi.Runs;
using Npgsql;

namespace Lab.CostApi.Matrix;

public sealed record SelectedCell(RunInfo Run, bool Pinned, RunSummary? Summary);

public sealed class CellSelections(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<Dictionary<(string Case, string Profile), SelectedCell>> LoadAsync(string experiment, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        var pinned = new NpgsqlBatchCommand(
            $"""
            SELECT {RunLedger.Columns}, s.summary FROM matrix_selections m
            JOIN runs r ON r.id = m.run_id LEFT JOIN run_summaries s ON s.run_id = r.id
            WHERE m.experiment = @experiment
            """);
        var latest = new NpgsqlBatchCommand(
            $"""
            SELECT DISTINCT ON (r.case_id, r.profile_id) {RunLedger.Columns}, s.summary FROM runs r
            JOIN run_summaries s ON s.run_id = r.id
            WHERE r.experiment = @experiment AND r.status = 'Completed'
            ORDER BY r.case_id, r.profile_id, r.ended_at DESC NULLS LAST, r.created_at DESC
            """);
        pinned.Parameters.AddWithValue("experiment", experiment);
        latest.Parameters.AddWithValue("experiment", experiment);
        batch.BatchCommands.Add(pinned);
        batch.BatchCommands.Add(latest);

        var cells = new Dictionary<(string, string), SelectedCell>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        foreach (var isPinned in new[] { true, false })
        {
            while (await reader.ReadAsync(ct))
            {
                var run = RunLedger.Read(reader);
                var summary = reader.IsDBNull(14) ? null : JsonSerializer.Deserialize(reader.GetString(14), LabJsonContext.Default.RunSummary);
                cells.TryAdd((run.Case, run.Profile), new SelectedCell(run, isPinned, summary));
            }
            await reader.NextResultAsync(ct);
        }
        return cells;
    }

    public async Task PinAsync(string experiment, string caseId, string profile, Guid runId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO matrix_selections (experiment, case_id, profile_id, run_id, pinned_at) VALUES (@e, @c, @p, @run, @now)
            ON CONFLICT (experiment, case_id, profile_id) DO UPDATE SET run_id = EXCLUDED.run_id, pinned_at = EXCLUDED.pinned_at
            """);
        command.Parameters.AddWithValue("e", experiment);
        command.Parameters.AddWithValue("c", caseId);
        command.Parameters.AddWithValue("p", profile);
        command.Parameters.AddWithValue("run", runId);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task UnpinAsync(string experiment, string caseId, string profile, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "DELETE FROM matrix_selections WHERE experiment = @e AND case_id = @c AND profile_id = @p");
        command.Parameters.AddWithValue("e", experiment);
        command.Parameters.AddWithValue("c", caseId);
        command.Parameters.AddWithValue("p", profile);
        await command.ExecuteNonQueryAsync(ct);
    }
}
