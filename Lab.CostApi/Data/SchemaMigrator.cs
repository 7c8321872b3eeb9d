// Applies the embedded, versioned SQL migrations at start-up, before the server takes traffic.
using System.Reflection;
using System.Text.RegularExpressions;
using Npgsql;

namespace Lab.CostApi.Data;

/// <summary>
/// Every migration runs in one transaction under a transaction-scoped advisory lock, so replicas starting
/// together queue behind each other and each finds the versions the first one applied.
/// </summary>
public sealed partial class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger) : IHostedService
{
    // Any constant works; it only has to be the same in every replica.
    private const long LockKey = 0x4C61_6243_6F73_7401;

    public sealed record Migration(int Version, string Name, string Sql);

    public static IReadOnlyList<Migration> Embedded { get; } = LoadEmbedded();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await MigrateAsync(dataSource, cancellationToken);
        logger.LogInformation("Schema up to date: applied {Count} migration(s) now, {Total} known", applied, Embedded.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.AddWithValue("key", LockKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var command = new NpgsqlCommand(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
            connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var done = new HashSet<int>();
        await using (var command = new NpgsqlCommand("SELECT version FROM schema_migrations", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                done.Add(reader.GetInt32(0));
            }
        }

        var applied = 0;
        foreach (var migration in Embedded.Where(m => !done.Contains(m.Version)))
        {
            await using (var command = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var command = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES (@v, @n)", connection, transaction))
            {
                command.Parameters.AddWithValue("v", migration.Version);
                command.Parameters.AddWithValue("n", migration.Name);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            applied++;
        }
        await transaction.CommitAsync(cancellationToken);
        return applied;
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = MigrationName().Match(resource);
            if (!match.Success)
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(int.Parse(match.Groups[1].Value), match.Groups[2].Value, reader.ReadToEnd()));
        }
        return [.. migrations.OrderBy(m => m.Version)];
    }

    [GeneratedRegex(@"Migrations\.(\d{4})_([A-Za-z0-9_]+)\.sql$")]
    private static partial Regex MigrationName();
}
