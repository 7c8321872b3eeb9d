// Request records in PostgreSQL: idempotent binary-COPY ingest, paged listing and full reads for finalize.
using Lab.Contracts.Costs;
using Lab.CostApi.Runs;
using Lab.CostApi.Summaries;
using Npgsql;
using Lab.Evidence;

namespace Lab.CostApi.Records;

public sealed class RecordStore(NpgsqlDataSource dataSource)
{
    internal const string Columns =
        "request_index, worker, planned_send, sent, first_token, last_token, given_up_at, outcome, reason, http_status, " +
        "prompt_tokens, output_tokens, ttft_ms, tpot_ms, e2e_ms, itl_ms, trace_id, queue_ms, prefill_ms, decode_ms, error";

    public enum IngestState { Ingested, RunNotFound, RunFinalized }

    /// <summary>
    /// Binary COPY, idempotent on (run, request index): a retried batch inserts nothing and concurrent writers of
    /// overlapping batches land every record exactly once. The run row is share-locked so a concurrent finalize cannot
    /// summarise a ledger that is still being written.
    /// </summary>
    public async Task<(IngestState State, IngestResult? Result, RunStatus? Status)> IngestAsync(Guid runId, IReadOnlyList<RequestRecord> records, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var status = await RunLedger.LockStatusAsync(connection, tx, runId, ct, share: true);
        if (status is null)
        {
            return (IngestState.RunNotFound, null, null);
        }
        if (await SummaryExistsAsync(connection, tx, runId, ct))
        {
            return (IngestState.RunFinalized, null, status);
        }

        // Fast path: a batch is usually new, so COPY it straight into the table. A retried batch, or a concurrent writer
        // of the same indices, makes the COPY fail on the primary key; then the batch goes through a staging table and
        // ON CONFLICT DO NOTHING instead. Either way every (run, index) is stored exactly once. (No probe for stored
        // indices first: with a million rows in the run, that probe cost more than the COPY itself.)
        int inserted;
        await tx.SaveAsync("direct", ct);
        try
        {
            inserted = await CopyAsync(connection, "request_records", runId, records, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await tx.RollbackAsync("direct", ct);
            inserted = await StagedInsertAsync(connection, tx, runId, records, ct);
        }
        await tx.CommitAsync(ct);
        return (IngestState.Ingested, new IngestResult(records.Count, inserted, records.Count - inserted), status);
    }

    private static async Task<int> StagedInsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid runId,
        IReadOnlyList<RequestRecord> records, CancellationToken ct)
    {
        await using (var create = new NpgsqlCommand(
            "CREATE TEMP TABLE IF NOT EXISTS ingest_staging (LIKE request_records) ON COMMIT DROP", connection, tx))
        {
            await create.ExecuteNonQueryAsync(ct);
        }
        await CopyAsync(connection, "ingest_staging", runId, records, ct);
        await using var insert = new NpgsqlCommand(
            "INSERT INTO request_records SELECT * FROM ingest_staging ON CONFLICT (run_id, request_index) DO NOTHING", connection, tx);
        return await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>One binary COPY of the batch; PostgreSQL either stores every row or (on a key conflict) none.</summary>
    private static async Task<int> CopyAsync(NpgsqlConnection connection, string table, Guid runId, IReadOnlyList<RequestRecord> records, CancellationToken ct)
    {
        await using (var stream = await connection.BeginRawBinaryCopyAsync($"COPY {table} (run_id, {Columns}) FROM STDIN (FORMAT BINARY)", ct))
        {
            using var encoder = new RecordCopyEncoder(stream, runId);
            foreach (var record in records)
            {
                await encoder.WriteAsync(record, ct);
            }
            await encoder.CompleteAsync(ct);
        }
        return records.Count;
    }

    internal static async Task<bool> SummaryExistsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid runId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM run_summaries WHERE run_id = @id)", connection, tx);
        command.Parameters.AddWithValue("id", runId);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<RecordPage> ListAsync(Guid runId, RequestOutcome? outcome, DropReason? reason, int offset, int limit, CancellationToken ct)
    {
        const string filter = "run_id = @id AND (@outcome::text IS NULL OR outcome = @outcome) AND (@reason::text IS NULL OR reason = @reason)";
        await using var batch = dataSource.CreateBatch();
        var count = new NpgsqlBatchCommand($"SELECT count(*)::int FROM request_records WHERE {filter}");
        var page = new NpgsqlBatchCommand($"SELECT {Columns} FROM request_records WHERE {filter} ORDER BY request_index OFFSET @offset LIMIT @limit");
        foreach (var command in new[] { count, page })
        {
            command.Parameters.AddWithValue("id", runId);
            command.Parameters.AddWithValue("outcome", (object?)OutcomeName(outcome) ?? DBNull.Value);
            command.Parameters.AddWithValue("reason", (object?)(reason is { } r ? DropReasons.Name(r) : null) ?? DBNull.Value);
            batch.BatchCommands.Add(command);
        }
        page.Parameters.AddWithValue("offset", offset);
        page.Parameters.AddWithValue("limit", limit);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var total = reader.GetInt32(0);
        await reader.NextResultAsync(ct);
        var items = new List<RequestRecord>(limit);
        while (await reader.ReadAsync(ct))
        {
            items.Add(Read(reader));
        }
        return new RecordPage(total, offset, limit, items);
    }

    /// <summary>Every record of a run in index order, for finalize and the time series.</summary>
    public async Task<List<RequestRecord>> ReadAllAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid runId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM request_records WHERE run_id = @id ORDER BY request_index", connection, tx);
        command.Parameters.AddWithValue("id", runId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var records = new List<RequestRecord>();
        while (await reader.ReadAsync(ct))
        {
            records.Add(Read(reader));
        }
        return records;
    }

    public async Task<List<RequestRecord>> ReadAllAsync(Guid runId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await ReadAllAsync(connection, null, runId, ct);
    }

    /// <summary>Streams a run's records as CSV rows straight from the reader, never holding the run in memory.</summary>
    public async Task WriteCsvAsync(Guid runId, Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, leaveOpen: true);
        await writer.WriteLineAsync(RecordCsv.Header);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM request_records WHERE run_id = @id ORDER BY request_index", connection);
        command.Parameters.AddWithValue("id", runId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            await writer.WriteLineAsync(RecordCsv.Row(Read(reader)));
        }
        await writer.FlushAsync(ct);
    }

    public static string? OutcomeName(RequestOutcome? outcome) => outcome switch
    {
        RequestOutcome.Success => "success",
        RequestOutcome.Dropped => "dropped",
        _ => null,
    };

    internal static RequestRecord Read(NpgsqlDataReader r)
    {
        DateTimeOffset? Time(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
        double? Number(int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        return new RequestRecord(
            r.GetInt32(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), Time(3), Time(4), Time(5), Time(6),
            r.GetString(7) == "success" ? RequestOutcome.Success : RequestOutcome.Dropped,
            Text(8) is { } reason ? DropReasons.Parse(reason) : null,
            r.IsDBNull(9) ? null : r.GetInt32(9), r.GetInt32(10), r.GetInt32(11),
            Number(12), Number(13), Number(14),
            r.IsDBNull(15) ? null : PackedGaps.Unpack(r.GetFieldValue<byte[]>(15)),
            Text(16), Number(17), Number(18), Number(19), Text(20));
    }
}
