// Redis and PostgreSQL as native processes under real Aspire: healthy, reachable with the connection strings
// WithReference hands out, their secrets remembered and PostgreSQL's data kept across runs of the same state folder.
using System.Text.Json;
using Lab.Contracts.ControlPlane;
using Lab.Hosting.Local;
using Lab.Hosting.Local.Native;
using Npgsql;
using StackExchange.Redis;

namespace Lab.Hosting.Local.Tests;

public sealed class NativeResourceTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("lab-local-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    /// <param name="waitForCleanup">A later run on the same data folder must wait until this run's postgres has exited.</param>
    private IDistributedApplicationTestingBuilder Lab(bool fresh = false, bool waitForCleanup = false)
    {
        var builder = DistributedApplicationTestingBuilder.Create($"DcpPublisher:WaitForResourceCleanup={waitForCleanup}");
        builder.AddLabState(_state, fresh, binPath: null, controlPort: 0, dashboard: false);
        return builder;
    }

    [Fact]
    public async Task Redis_and_a_database_become_healthy_and_answer_on_their_connection_strings()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var builder = Lab();
        builder.AddNativeRedis("redis");
        builder.AddNativePostgres("postgres").AddDatabase("labdb");
        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        await app.ResourceNotifications.WaitForResourceHealthyAsync("redis", timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("labdb", timeout.Token);

        var redis = await app.GetConnectionStringAsync("redis", ct);
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis!);
        await multiplexer.GetDatabase().StringSetAsync("k", "v");
        Assert.Equal("v", await multiplexer.GetDatabase().StringGetAsync("k"));

        var labdb = await app.GetConnectionStringAsync("labdb", ct);
        Assert.Contains("Database=labdb", labdb);
        await using var connection = new NpgsqlConnection(labdb);
        await connection.OpenAsync(ct);
        await using var version = new NpgsqlCommand("select current_database()", connection);
        Assert.Equal("labdb", await version.ExecuteScalarAsync(ct));

        // The passwords are generated once and remembered beside the data they protect, readable by the owner only.
        var remembered = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(_state, LabStateFolder.ParametersFile)))!;
        Assert.Contains($"password={remembered["redis-password"]}", redis);
        Assert.Contains($"Password={remembered["postgres-password"]}", labdb);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserWrite : File.GetUnixFileMode(Path.Combine(_state, LabStateFolder.ParametersFile)));
    }

    [Fact]
    public async Task PostgreSQL_keeps_its_data_across_runs_until_fresh()
    {
        var ct = TestContext.Current.CancellationToken;
        await RunAsync(fresh: false, "create table kept(id int); insert into kept values (42)", expected: null);
        await RunAsync(fresh: false, "select id from kept", expected: 42);
        await RunAsync(fresh: true, "select count(*) from pg_tables where tablename = 'kept'", expected: 0L);

        async Task RunAsync(bool fresh, string sql, object? expected)
        {
            await using var builder = Lab(fresh, waitForCleanup: true);
            builder.AddNativePostgres("postgres").AddDatabase("labdb");
            await using var app = await builder.BuildAsync(ct);
            await app.StartAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(90));
            await app.ResourceNotifications.WaitForResourceHealthyAsync("labdb", timeout.Token);
            await using var connection = new NpgsqlConnection(await app.GetConnectionStringAsync("labdb", ct));
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(sql, connection);
            var result = await command.ExecuteScalarAsync(ct);
            if (expected is not null)
            {
                Assert.Equal(expected, result);
            }
            await app.StopAsync(ct);
        }
    }

    [Fact]
    public async Task A_missing_server_program_stops_the_start_with_the_command_that_installs_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var empty = Directory.CreateTempSubdirectory("lab-bin-").FullName;
        try
        {
            await using var builder = DistributedApplicationTestingBuilder.Create();
            var settings = builder.AddLabState(_state, fresh: false, binPath: empty, controlPort: 0, dashboard: false);
            builder.AddNativeRedis("redis");
            builder.AddNativePostgres("postgres");
            Assert.Equal(["'redis-server' was not found. Install it with: sudo apt-get install -y redis-server",
                "'initdb/postgres (PostgreSQL server)' was not found. Install it with: sudo apt-get install -y postgresql"],
                settings.MissingDependencies.Select(m => m.Message));

            await using var app = await builder.BuildAsync(ct);
            var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(ct));
            Assert.Contains("sudo apt-get install -y redis-server", error.ToString());
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
