// Experiment definitions as JSON documents; every upsert bumps the version, past runs keep their own snapshot.
using System.Text.Json;
using Lab.Contracts;
using Lab.Contracts.Experiments;
using Npgsql;

namespace Lab.CostApi.Experiments;

public sealed class ExperimentStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<IReadOnlyList<ExperimentDefinition>> ListAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT definition FROM experiments ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<ExperimentDefinition>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(JsonSerializer.Deserialize(reader.GetString(0), LabJsonContext.Default.ExperimentDefinition)!);
        }
        return list;
    }

    public async Task<ExperimentDefinition?> GetAsync(string id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT definition FROM experiments WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(ct) is string json
            ? JsonSerializer.Deserialize(json, LabJsonContext.Default.ExperimentDefinition)
            : null;
    }

    /// <summary>Idempotent: an identical definition leaves the version and timestamp alone.</summary>
    public async Task UpsertAsync(ExperimentDefinition definition, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO experiments (id, definition, version, updated_at) VALUES (@id, @definition::jsonb, 1, @now)
            ON CONFLICT (id) DO UPDATE SET definition = EXCLUDED.definition, version = experiments.version + 1, updated_at = EXCLUDED.updated_at
            WHERE experiments.definition IS DISTINCT FROM EXCLUDED.definition
            """);
        command.Parameters.AddWithValue("id", definition.Id);
        command.Parameters.AddWithValue("definition", JsonSerializer.Serialize(definition, LabJsonContext.Default.ExperimentDefinition));
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        await command.ExecuteNonQueryAsync(ct);
    }

    public static Dictionary<string, string[]> Validate(string id, ExperimentDefinition? definition)
    {
        var errors = new Dictionary<string, string[]>();
        if (definition is null)
        {
            errors["body"] = ["Required: an experiment definition."];
            return errors;
        }
        if (definition.Id != id)
            errors["id"] = [$"Must equal the id in the path ('{id}'); got '{definition.Id}'."];
        if (definition.Cases is not { Count: > 0 })
            errors["cases"] = ["At least one case is required."];
        else if (definition.Cases.Select(c => c.Id).Distinct().Count() != definition.Cases.Count)
            errors["cases"] = ["Case ids must be unique."];
        if (definition.Profiles is not { Count: > 0 })
            errors["profiles"] = ["At least one profile is required."];
        else if (definition.Profiles.Select(p => p.Id).Distinct().Count() != definition.Profiles.Count)
            errors["profiles"] = ["Profile ids must be unique."];
        else
        {
            for (var i = 0; i < definition.Profiles.Count; i++)
            {
                if (definition.Profiles[i].GpusPerReplica < 1)
                    errors[$"profiles[{i}].gpusPerReplica"] = ["Must be ≥ 1."];
                if (definition.Profiles[i].Replicas < 1)
                    errors[$"profiles[{i}].replicas"] = ["Must be ≥ 1."];
            }
        }
        if (definition.Slo is null)
            errors["slo"] = ["Required: the SLO (p95/p99 latency in seconds, max dropped fraction)."];
        if (string.IsNullOrWhiteSpace(definition.EvidenceBoundary))
            errors["evidenceBoundary"] = ["Required: what the cost covers and what it leaves out."];
        return errors;
    }
}
