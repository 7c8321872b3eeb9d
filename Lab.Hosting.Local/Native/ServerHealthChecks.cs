// Health checks that ask the server itself: Redis answers AUTH + PING, PostgreSQL opens a session on the database.
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Lab.Hosting.Local.Native;

internal static class ServerHealthChecks
{
    /// <summary>RESP AUTH then PING: proves the server answers commands, not only that the port is open.</summary>
    public static async Task<HealthCheckResult> RedisAsync(string host, int port, string password, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host, port, cancellationToken);
        var stream = client.GetStream();
        var command = $"*2\r\n$4\r\nAUTH\r\n${Encoding.UTF8.GetByteCount(password)}\r\n{password}\r\n*1\r\n$4\r\nPING\r\n";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(command), cancellationToken);
        var buffer = new byte[256];
        var received = new StringBuilder();
        while (!received.ToString().Contains("PONG", StringComparison.Ordinal) && !received.ToString().Contains("-ERR", StringComparison.Ordinal)
            && !received.ToString().Contains("-WRONGPASS", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        var reply = received.ToString();
        return reply.Contains("+PONG", StringComparison.Ordinal)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"redis answered '{reply.Trim()}' to AUTH + PING");
    }

    public static async Task<HealthCheckResult> PostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Timeout=3;Pooling=false");
        await connection.OpenAsync(cancellationToken);
        return HealthCheckResult.Healthy();
    }
}

/// <summary>A health check from a delegate; an exception (refused connection, timeout) is the failure status with its message.</summary>
internal sealed class DelegateHealthCheck(Func<CancellationToken, Task<HealthCheckResult>> check) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await check(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, e.Message, e);
        }
    }
}
