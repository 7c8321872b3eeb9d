// Runs in PostgreSQL: registration with frozen snapshots, filtered listing and status transitions.
using System.Text.Json;
using Lab.Contracts;
using Lab.Contracts.Costs;
using Npgsql;
using Lab.Evidence;

namespace Lab.CostApi.Runs;

public sealed class RunLedger(NpgsqlDataSource dataSource, TimeProvider clock)
{
    internal const string Columns =
        "r.id, r.experiment, r.case_id, r.profile_id, r.target, r.seed, r.scale, r.scheduled, r.status, r.status_reason, r.created_at, r.t0, r.ended_at, r.snapshot";

    public enum RegisterOutcome { Created, Identical, Conflict }

    public async Task<(RegisterOutcome Outcome, RunInfo Run)> RegisterAsync(RegisterRunRequest request, CancellationToken ct)
    {
        var snapshot = JsonSerializer.Serialize(request.Snapshot, LabJsonContext.Default.RunSnapshot);
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO runs (id, experiment, case_id, profile_id, target, seed, scale, scheduled, status, created_at, updated_at, snapshot)
            VALUES (@id, @experiment, @case, @profile, @target, @seed, @scale, @scheduled, 'Pending', @now, @now, @snapshot::jsonb)
            ON CONFLICT (id) DO NOTHING
            """);
        command.Parameters.AddWithValue("id", request.RunId);
        command.Parameters.AddWithValue("experiment", request.Experiment);
        command.Parameters.AddWithValue("case", request.Case);
        command.Parameters.AddWithValue("profile", request.Profile);
        command.Parameters.AddWithValue("target", request.Target);
        command.Parameters.AddWithValue("seed", request.Seed);
        command.Parameters.AddWithValue("scale", request.Scale);
        command.Parameters.AddWithValue("scheduled", request.Scheduled);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        command.Parameters.AddWithValue("snapshot", snapshot);
        var created = await command.ExecuteNonQueryAsync(ct) == 1;
        var run = (await GetAsync(request.RunId, ct))!;
        if (created)
        {
            return (RegisterOutcome.Created, run);
        }
        // A retry must carry the same content; the snapshot is compared as JSON values, not text.
        var same = run.Experiment == request.Experiment && run.Case == request.Case && run.Profile == request.Profile
            && run.Target == request.Target && run.Seed == request.Seed && run.Scale.Equals(request.Scale)
            && run.Scheduled == request.Scheduled && await SnapshotEqualsAsync(request.RunId, snapshot, ct);
        return (same ? RegisterOutcome.Identical : RegisterOutcome.Conflict, run);
    }

    private async Task<bool> SnapshotEqualsAsync(Guid id, string snapshot, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT snapshot = @snapshot::jsonb FROM runs WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("snapshot", snapshot);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<RunInfo?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM runs r WHERE r.id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<RunInfo>> ListAsync(string? experiment, string? caseId, string? profile, RunStatus? status, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {Columns} FROM runs r
            WHERE (@experiment::text IS NULL OR r.experiment = @experiment)
              AND (@case::text IS NULL OR r.case_id = @case)
              AND (@profile::text IS NULL OR r.profile_id = @profile)
              AND (@status::text IS NULL OR r.status = @status)
            ORDER BY r.created_at DESC, r.id
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("experiment", (object?)experiment ?? DBNull.Value);
        command.Parameters.AddWithValue("case", (object?)caseId ?? DBNull.Value);
        command.Parameters.AddWithValue("profile", (object?)profile ?? DBNull.Value);
        command.Parameters.AddWithValue("status", (object?)status?.ToString() ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", limit);
        var runs = new List<RunInfo>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            runs.Add(Read(reader));
        }
        return runs;
    }

    public sealed record TransitionResult(RunInfo? Run, RunStatus? Current, bool Applied);

    /// <summary>Moves a run under a row lock; a move to the state it is already in is an idempotent retry.</summary>
    public async Task<TransitionResult> TransitionAsync(Guid id, RunTransitionRequest transition, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var current = await LockStatusAsync(connection, tx, id, ct);
        if (current is null)
        {
            return new TransitionResult(null, null, false);
        }
        if (current != transition.To && !RunLifecycle.IsLegal(current.Value, transition.To))
        {
            return new TransitionResult(null, current, false);
        }
        if (current != transition.To)
        {
            await using var update = new NpgsqlCommand(
                """
                UPDATE runs SET status = @to, status_reason = @reason, updated_at = @now,
                    t0 = COALESCE(t0, @t0),
                    ended_at = CASE WHEN @terminal THEN @now ELSE ended_at END
                WHERE id = @id
                """, connection, tx);
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("to", transition.To.ToString());
            update.Parameters.AddWithValue("reason", (object?)transition.Reason ?? DBNull.Value);
            update.Parameters.AddWithValue("now", clock.GetUtcNow());
            update.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("t0", transition.T0?.ToUniversalTime()) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            update.Parameters.AddWithValue("terminal", RunLifecycle.IsTerminal(transition.To));
            await update.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return new TransitionResult(await GetAsync(id, ct), transition.To, true);
    }

    internal static async Task<RunStatus?> LockStatusAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, CancellationToken ct, bool share = false)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT status FROM runs WHERE id = @id {(share ? "FOR SHARE" : "FOR UPDATE")}", connection, tx);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(ct) is string s ? Enum.Parse<RunStatus>(s) : null;
    }

    internal static RunInfo Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
        reader.GetInt64(5), reader.GetDouble(6), reader.GetInt32(7), Enum.Parse<RunStatus>(reader.GetString(8)),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.GetFieldValue<DateTimeOffset>(10),
        reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
        reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
        JsonSerializer.Deserialize(reader.GetString(13), LabJsonContext.Default.RunSnapshot)!);
}
