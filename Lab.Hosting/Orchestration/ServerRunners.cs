// Redis and PostgreSQL as native child processes, data in the state folder, health from the server itself.
using System.Net.Sockets;
using System.Text;
using Lab.Contracts.ControlPlane;
using Lab.Hosting.ApplicationModel;
using Lab.Hosting.Native;

namespace Lab.Hosting.Orchestration;

/// <summary>Common life of a single-process server: Starting → Running → healthy, Exited when it dies on its own.</summary>
internal abstract class ServerRunner(IResource resource, RunContext context) : ResourceRunner(resource, context)
{
    private ResourceState _state = ResourceState.NotStarted;
    private ResourceHealth _health = ResourceHealth.Unknown;
    private int? _pid;
    private int? _exitCode;
    private string? _message;

    protected string Endpoint => $"tcp://{Context.Values.Host}:{Port}";
    protected int Port => Context.Values.Port(Resource, "tcp");
    public override IEnumerable<int> Pids => _pid is { } pid ? [pid] : [];

    public override void Announce() => Publish();

    protected void Set(ResourceState state, ResourceHealth health, int? pid = null, int? exitCode = null, string? message = null)
    {
        (_state, _health, _pid, _exitCode, _message) = (state, health, pid ?? _pid, exitCode ?? _exitCode, message ?? _message);
        Publish();
    }

    protected virtual void Publish()
    {
        var instance = new ResourceInstanceSnapshot(Resource.Name, _state, _health, _pid, Endpoint, _exitCode);
        Context.Notifications.Publish(new ResourceSnapshot(Resource.Name, Type, _state, _health, [Endpoint], [instance], _message));
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        Set(ResourceState.Starting, ResourceHealth.Unknown);
        try
        {
            var (pid, exited) = await StartServerAsync(cancellationToken);
            Set(ResourceState.Running, ResourceHealth.Unknown, pid);
            _ = exited.ContinueWith(_ =>
            {
                if (!IsStopping)
                {
                    Log(Resource.Name, $"{Resource.Name} exited unexpectedly.", true);
                    Set(ResourceState.Exited, ResourceHealth.Unhealthy, message: "The server process exited.");
                }
            }, TaskScheduler.Default);
            _ = MonitorHealthAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log(Resource.Name, e.Message, true);
            Set(ResourceState.FailedToStart, ResourceHealth.Unhealthy, message: e.Message);
        }
    }

    protected abstract Task<(int Pid, Task Exited)> StartServerAsync(CancellationToken cancellationToken);

    protected abstract Task<bool> IsHealthyAsync(CancellationToken cancellationToken);

    private async Task MonitorHealthAsync()
    {
        while (!Context.Stopping.IsCancellationRequested && !IsStopping && _state is ResourceState.Running or ResourceState.Unhealthy)
        {
            bool healthy;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Context.Stopping);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                healthy = await IsHealthyAsync(timeout.Token);
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                healthy = false;
            }
            if (IsStopping || _state is ResourceState.Exited)
            {
                return;
            }
            if (healthy)
            {
                Set(ResourceState.Running, ResourceHealth.Healthy);
            }
            else if (_health == ResourceHealth.Healthy)
            {
                Set(ResourceState.Unhealthy, ResourceHealth.Unhealthy);
            }
            try
            {
                await Task.Delay(_health == ResourceHealth.Healthy ? HealthInterval : HealthIntervalUntilHealthy, Context.Stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

internal sealed class RedisRunner(RedisResource redis, RunContext context) : ServerRunner(redis, context)
{
    private RedisServer? _server;

    public override string Type => "Redis";

    protected override async Task<(int, Task)> StartServerAsync(CancellationToken cancellationToken)
    {
        var options = new RedisServerOptions(Path.Combine(Context.StateDirectory, Resource.Name), Context.Values.Parameter(redis.PasswordParameter), Port)
        {
            BinarySearchPath = Context.BinPath,
        };
        _server = await RedisServer.StartAsync(options, (line, isError) => Log(Resource.Name, line, isError), cancellationToken);
        return (_server.Pid, _server.Exited);
    }

    /// <summary>AUTH then PING over RESP: proves the server answers commands, not only that the port is open.</summary>
    protected override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(Context.Values.Host, Port, cancellationToken);
        var stream = client.GetStream();
        var password = Context.Values.Parameter(redis.PasswordParameter);
        var command = $"*2\r\n$4\r\nAUTH\r\n${Encoding.UTF8.GetByteCount(password)}\r\n{password}\r\n*1\r\n$4\r\nPING\r\n";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(command), cancellationToken);
        var buffer = new byte[256];
        var received = new StringBuilder();
        while (!received.ToString().Contains("PONG", StringComparison.Ordinal) && !received.ToString().Contains("-ERR", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        return received.ToString().Contains("+PONG", StringComparison.Ordinal);
    }

    protected override Task StopCoreAsync(TimeSpan grace) => _server?.StopAsync(grace) ?? Task.CompletedTask;
}

/// <summary>PostgreSQL; its databases share its state (they exist once the server has created them).</summary>
internal sealed class PostgresRunner(PostgresServerResource postgres, RunContext context) : ServerRunner(postgres, context)
{
    private PostgresServer? _server;

    public override string Type => "PostgreSQL";

    protected override void Publish()
    {
        base.Publish();
        var server = Context.Notifications.Get(Resource.Name)!;
        foreach (var database in postgres.Databases)
        {
            Context.Notifications.Publish(server with
            {
                Name = database.Name,
                Type = "PostgreSQLDatabase",
                Instances = [server.Instances[0] with { Name = database.Name }],
            });
        }
    }

    protected override async Task<(int, Task)> StartServerAsync(CancellationToken cancellationToken)
    {
        var options = new PostgresServerOptions(Path.Combine(Context.StateDirectory, Resource.Name),
            Context.Values.Parameter(postgres.PasswordParameter), Port, [.. postgres.Databases.Select(d => d.DatabaseName)])
        {
            BinarySearchPath = Context.BinPath,
        };
        _server = await PostgresServer.StartAsync(options, (line, isError) => Log(Resource.Name, line, isError), cancellationToken);
        return (_server.Pid, _server.Exited);
    }

    /// <summary>The server said it is ready and the databases were created before Running; afterwards, it must accept connections.</summary>
    protected override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(Context.Values.Host, Port, cancellationToken);
        return true;
    }

    protected override Task StopCoreAsync(TimeSpan grace) => _server?.StopAsync(grace) ?? Task.CompletedTask;
}
