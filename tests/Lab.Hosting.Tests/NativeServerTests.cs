using System.Net.Sockets;
using Lab.Hosting.Native;

namespace Lab.Hosting.Tests;

public sealed class NativeServerTests
{
    [Fact]
    public async Task Postgres_and_redis_start_listen_and_stop()
    {
        using var root = new TemporaryDirectory("lab-native-");
        {
            var ct = TestContext.Current.CancellationToken;
            var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
            await using var postgres = await PostgresServer.StartAsync(
                new PostgresServerOptions(Path.Combine(root.Path, "pg"), "secret-pw", Databases: ["labdb"]), (line, _) => log.Enqueue(line), ct);
            await using var redis = await RedisServer.StartAsync(new RedisServerOptions(Path.Combine(root.Path, "redis"), "pw2"), null, ct);

            Assert.True(await FreePort.WaitForListenerAsync(postgres.Port, TimeSpan.FromSeconds(5), ct));
            Assert.True(await FreePort.WaitForListenerAsync(redis.Port, TimeSpan.FromSeconds(5), ct));
            Assert.Contains("Database=labdb", postgres.ConnectionString("labdb"));
            // Every start asks for its databases again: existing ones (a quote in the name too) are left alone, and
            // the server never logs a failed CREATE DATABASE for them.
            await postgres.CreateDatabaseAsync("labdb", ct);
            await postgres.CreateDatabaseAsync("o'brien", ct);
            await postgres.CreateDatabaseAsync("o'brien", ct);
            await Task.Delay(200, ct);
            Assert.DoesNotContain(log, line => line.Contains("already exists", StringComparison.Ordinal));

            await postgres.StopAsync();
            await redis.StopAsync();
            Assert.True(postgres.Exited.IsCompleted);
            Assert.True(redis.Exited.IsCompleted);
        }
    }
}
