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
}
