// Decision records and their claims; every read evaluates the claims against the currently selected runs.
using Lab.Contracts.Costs;
using Lab.CostApi.Matrix;
using Npgsql;

namespace Lab.CostApi.Decisions;

public sealed class DecisionStore(NpgsqlDataSource dataSource, CellSelections selections, TimeProvider clock)
{
    private sealed record Row(Guid Id, string Experiment, string Title, string Statement, DateTimeOffset UpdatedAt, List<Claim> Claims);

    public async Task<IReadOnlyList<DecisionRecord>> ListAsync(string? experiment, CancellationToken ct) =>
        await EvaluateAsync(await LoadAsync(experiment, null, ct), ct);

    public async Task<DecisionRecord?> GetAsync(Guid id, CancellationToken ct) =>
        (await EvaluateAsync(await LoadAsync(null, id, ct), ct)).SingleOrDefault();

    /// <summary>Evaluates with cells already loaded (the matrix has them), avoiding a second read.</summary>
    public async Task<IReadOnlyList<DecisionRecord>> ListForAsync(string experiment, IReadOnlyDictionary<(string, string), SelectedCell> cells, CancellationToken ct) =>
        (await LoadAsync(experiment, null, ct)).Select(r => Evaluate(r, cells)).ToList();

    public async Task<bool> SaveAsync(Guid id, DecisionRecordInput input, bool create, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var upsert = new NpgsqlCommand(create
            ? "INSERT INTO decision_records (id, experiment, title, statement, created_at, updated_at) VALUES (@id, @e, @t, @s, @now, @now)"
            : "UPDATE decision_records SET experiment = @e, title = @t, statement = @s, updated_at = @now WHERE id = @id", connection, tx))
        {
            upsert.Parameters.AddWithValue("id", id);
            upsert.Parameters.AddWithValue("e", input.Experiment);
            upsert.Parameters.AddWithValue("t", input.Title);
            upsert.Parameters.AddWithValue("s", input.Statement);
            upsert.Parameters.AddWithValue("now", clock.GetUtcNow());
            if (await upsert.ExecuteNonQueryAsync(ct) == 0)
            {
                return false;
            }
        }
        await using (var clear = new NpgsqlCommand("DELETE FROM claims WHERE decision_id = @id", connection, tx))
        {
            clear.Parameters.AddWithValue("id", id);
            await clear.ExecuteNonQueryAsync(ct);
        }
        for (var i = 0; i < input.Claims.Count; i++)
        {
            var c = input.Claims[i];
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO claims (decision_id, ordinal, metric, case_id, profile_id, comparator, other_case, other_profile, value, text)
                VALUES (@id, @i, @metric, @case, @profile, @cmp, @oc, @op, @value, @text)
                """, connection, tx);
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("i", i);
            insert.Parameters.AddWithValue("metric", c.Metric);
            insert.Parameters.AddWithValue("case", c.Case);
            insert.Parameters.AddWithValue("profile", c.Profile);
            insert.Parameters.AddWithValue("cmp", c.Comparator);
            insert.Parameters.AddWithValue("oc", (object?)c.OtherCase ?? DBNull.Value);
            insert.Parameters.AddWithValue("op", (object?)c.OtherProfile ?? DBNull.Value);
            insert.Parameters.AddWithValue("value", (object?)c.Value ?? DBNull.Value);
            insert.Parameters.AddWithValue("text", (object?)c.Text ?? DBNull.Value);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return true;
    }

    private async Task<List<Row>> LoadAsync(string? experiment, Guid? id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT d.id, d.experiment, d.title, d.statement, d.updated_at,
                   c.metric, c.case_id, c.profile_id, c.comparator, c.other_case, c.other_profile, c.value, c.text
            FROM decision_records d LEFT JOIN claims c ON c.decision_id = d.id
            WHERE (@experiment::text IS NULL OR d.experiment = @experiment) AND (@id::uuid IS NULL OR d.id = @id)
            ORDER BY d.created_at, d.id, c.ordinal
            """);
        command.Parameters.AddWithValue("experiment", (object?)experiment ?? DBNull.Value);
        command.Parameters.Add(new NpgsqlParameter<Guid?>("id", id) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var rowId = reader.GetGuid(0);
            if (rows.Count == 0 || rows[^1].Id != rowId)
            {
                rows.Add(new Row(rowId, reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4), []));
            }
            if (!reader.IsDBNull(5))
            {
                string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                rows[^1].Claims.Add(new Claim(reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8),
                    Text(9), Text(10), Text(11), Text(12)));
            }
        }
        return rows;
    }

    private async Task<IReadOnlyList<DecisionRecord>> EvaluateAsync(List<Row> rows, CancellationToken ct)
    {
        var records = new List<DecisionRecord>(rows.Count);
        foreach (var group in rows.GroupBy(r => r.Experiment))
        {
            var cells = await selections.LoadAsync(group.Key, ct);
            records.AddRange(group.Select(r => Evaluate(r, cells)));
        }
        return [.. records.OrderBy(r => rows.FindIndex(x => x.Id == r.Id))];
    }

    private static DecisionRecord Evaluate(Row row, IReadOnlyDictionary<(string, string), SelectedCell> cells)
    {
        var (evaluations, status) = ClaimEvaluator.Evaluate(row.Claims,
            (c, p) => cells.TryGetValue((c, p), out var cell) ? cell.Summary : null);
        return new DecisionRecord(row.Id, row.Experiment, row.Title, row.Statement, row.Claims, evaluations, status, row.UpdatedAt);
    }
}
