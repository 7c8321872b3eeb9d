// Start-up migrations: two CostApi replicas on one fresh database both come up, and the schema is applied once.
using Lab.Contracts.Costs;
using Lab.CostApi.Data;
using Npgsql;

namespace Lab.CostApi.Tests;

public sealed class MigrationTests(CostApiFixture fixture)
{
    [Fact]
    public async Task Two_instances_migrating_the_same_fresh_database_together_both_succeed()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await fixture.CreateFreshDatabaseAsync(ct);
        await using var a = new CostApiFactory(connectionString, CostApiFixture.ApiKey);
        await using var b = new CostApiFactory(connectionString, CostApiFixture.ApiKey);

        await Task.WhenAll(Task.Run(() => a.Server, ct), Task.Run(() => b.Server, ct));

        Assert.Equal(4, (await a.CreateCostApi(null).ListPricesAsync(ct)).Count);
        Assert.Equal(4, (await b.CreateCostApi(null).ListPricesAsync(ct)).Count);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT array_agg(version ORDER BY version) FROM schema_migrations");
        Assert.Equal(SchemaMigrator.Embedded.Select(m => m.Version), (int[])(await command.ExecuteScalarAsync(ct))!);
        // A third start finds nothing to do.
        Assert.Equal(0, await SchemaMigrator.MigrateAsync(dataSource, ct));
        Assert.Single(await b.CreateCostApi(CostApiFixture.ApiKey).ListDecisionsAsync("cost", ct));
    }

    [Fact]
    public async Task Migration_3_packs_stored_gaps_without_changing_them_and_run_deletion_still_removes_records()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dataSource = NpgsqlDataSource.Create(await fixture.CreateFreshDatabaseAsync(ct));
        // A database as version 2 left it, with a record whose gaps are real[].
        foreach (var migration in SchemaMigrator.Embedded.Where(m => m.Version <= 2))
        {
            await using var apply = dataSource.CreateCommand(migration.Sql + $"; INSERT INTO schema_migrations (version, name) VALUES ({migration.Version}, '{migration.Name}')");
            if (migration.Version == 1)
            {
                await using var table = dataSource.CreateCommand("CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
                await table.ExecuteNonQueryAsync(ct);
            }
            await apply.ExecuteNonQueryAsync(ct);
        }
        var run = Guid.NewGuid();
        float[] gaps = [12.345f, 0f, 0.001f, 60000.5f, float.Epsilon];
        await using (var seed = dataSource.CreateCommand(
            """
            INSERT INTO runs (id, experiment, case_id, profile_id, target, seed, scale, scheduled, status, created_at, updated_at, snapshot)
            VALUES (@run, 'cost', 'c', 'p', 'http://t', 1, 1, 2, 'Running', now(), now(), '{}');
            INSERT INTO request_records (run_id, request_index, worker, planned_send, outcome, prompt_tokens, output_tokens, itl_ms)
            VALUES (@run, 0, 'w', now(), 'success', 512, 6, @gaps), (@run, 1, 'w', now(), 'dropped', 512, 0, NULL);
            """))
        {
            seed.Parameters.AddWithValue("run", run);
            seed.Parameters.AddWithValue("gaps", gaps);
            await seed.ExecuteNonQueryAsync(ct);
        }

        Assert.Equal(SchemaMigrator.Embedded.Count(m => m.Version > 2), await SchemaMigrator.MigrateAsync(dataSource, ct));

        await using (var read = dataSource.CreateCommand("SELECT itl_ms, lab_itl_ms(itl_ms) FROM request_records WHERE run_id = @run ORDER BY request_index"))
        {
            read.Parameters.AddWithValue("run", run);
            await using var reader = await read.ExecuteReaderAsync(ct);
            Assert.True(await reader.ReadAsync(ct));
            Assert.Equal(gaps, Lab.CostApi.Records.PackedGaps.Unpack(reader.GetFieldValue<byte[]>(0)));
            Assert.Equal(gaps, reader.GetFieldValue<float[]>(1));
            Assert.True(await reader.ReadAsync(ct));
            Assert.True(reader.IsDBNull(0));
        }
        await using (var delete = dataSource.CreateCommand("DELETE FROM runs WHERE id = @run; SELECT count(*) FROM request_records WHERE run_id = @run"))
        {
            delete.Parameters.AddWithValue("run", run);
            Assert.Equal(0L, (long)(await delete.ExecuteScalarAsync(ct))!);
        }
    }
}
