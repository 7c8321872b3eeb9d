// Finalize: locks the run, checks the ledger is whole, computes the summary once and stores it beside key columns.
using System.Text.Json;
using Lab.Contracts;
using Lab.Contracts.Costs;
using Lab.CostApi.Records;
using Lab.CostApi.Runs;
using Npgsql;
using Lab.Evidence;

namespace Lab.CostApi.Summaries;

public sealed class SummaryStore(NpgsqlDataSource dataSource, RecordStore records, RunLedger ledger, TimeProvider clock)
{
    public enum FinalizeState { Finalized, RunNotFound, WrongStatus, RecordsMissing, NeverStarted }

    public sealed record FinalizeResult(FinalizeState State, RunSummary? Summary = null, RunStatus? Status = null,
        int Missing = 0, IReadOnlyList<int>? FirstMissing = null, string? Reason = null);

    /// <summary>States from which a run may be summarised; Draining/Finalizing runs move to Completed as they are.</summary>
    public static readonly RunStatus[] FinalizableFrom =
        [RunStatus.Draining, RunStatus.Finalizing, RunStatus.Completed, RunStatus.Failed, RunStatus.Cancelled];

    public async Task<FinalizeResult> FinalizeAsync(Guid runId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var status = await RunLedger.LockStatusAsync(connection, tx, runId, ct);
        if (status is null)
        {
            return new FinalizeResult(FinalizeState.RunNotFound);
        }
        if (await ReadAsync(connection, tx, runId, ct) is { } existing)
        {
            return new FinalizeResult(FinalizeState.Finalized, existing, status);
        }
        if (!FinalizableFrom.Contains(status.Value))
        {
            return new FinalizeResult(FinalizeState.WrongStatus, Status: status);
        }

        var run = (await ledger.GetAsync(runId, ct))!;
        var all = await records.ReadAllAsync(connection, tx, runId, ct);
        // Failed or cancelled before t0 (readiness, warm-up, no worker): no request was planned on the clock, so there is
        // nothing to summarise, and calling that "records missing" would send someone hunting for lost records.
        if (all.Count == 0 && run.T0 is null && status is RunStatus.Failed or RunStatus.Cancelled)
        {
            return new FinalizeResult(FinalizeState.NeverStarted, Status: status, Reason: run.StatusReason);
        }
        // The orchestrator guarantees one record per scheduled request; a gap is a bug upstream, and inventing
        // latencies for it would be guessing, so the ledger is refused until it is whole.
        if (all.Count != run.Scheduled)
        {
            var present = all.Select(r => r.Index).ToHashSet();
            var firstMissing = Enumerable.Range(0, run.Scheduled).Where(i => !present.Contains(i)).Take(10).ToList();
            return new FinalizeResult(FinalizeState.RecordsMissing, Status: status, Missing: run.Scheduled - all.Count, FirstMissing: firstMissing);
        }

        var now = clock.GetUtcNow();
        var summary = RunSummaryCalculator.Calculate(runId, run.Scheduled, run.T0, run.Snapshot, all, now);
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO run_summaries (run_id, summary, successful, dropped, p95_latency_ms, run_cost_usd, cost_per_1k_successful, slo_passed, finalized_at)
            VALUES (@id, @summary::jsonb, @successful, @dropped, @p95, @cost, @per1k, @passed, @at)
            """, connection, tx))
        {
            insert.Parameters.AddWithValue("id", runId);
            insert.Parameters.AddWithValue("summary", JsonSerializer.Serialize(summary, LabJsonContext.Default.RunSummary));
            insert.Parameters.AddWithValue("successful", summary.Successful);
            insert.Parameters.AddWithValue("dropped", summary.Dropped);
            insert.Parameters.AddWithValue("p95", (object?)summary.RequestLatency?.P95 ?? DBNull.Value);
            insert.Parameters.AddWithValue("cost", summary.RunCostUsd);
            insert.Parameters.AddWithValue("per1k", (object?)summary.CostPer1KSuccessfulUsd ?? DBNull.Value);
            insert.Parameters.AddWithValue("passed", summary.Slo.Passed);
            insert.Parameters.AddWithValue("at", now);
            await insert.ExecuteNonQueryAsync(ct);
        }
        if (status is RunStatus.Draining or RunStatus.Finalizing)
        {
            await using var update = new NpgsqlCommand(
                "UPDATE runs SET status = 'Completed', updated_at = @now, ended_at = COALESCE(ended_at, @now) WHERE id = @id", connection, tx);
            update.Parameters.AddWithValue("id", runId);
            update.Parameters.AddWithValue("now", now);
            await update.ExecuteNonQueryAsync(ct);
            status = RunStatus.Completed;
        }
        await tx.CommitAsync(ct);
        return new FinalizeResult(FinalizeState.Finalized, summary, status);
    }

    public async Task<RunSummary?> GetAsync(Guid runId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await ReadAsync(connection, null, runId, ct);
    }

    private static async Task<RunSummary?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid runId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT summary FROM run_summaries WHERE run_id = @id", connection, tx);
        command.Parameters.AddWithValue("id", runId);
        return await command.ExecuteScalarAsync(ct) is string json
            ? JsonSerializer.Deserialize(json, LabJsonContext.Default.RunSummary)
            : null;
    }
}
