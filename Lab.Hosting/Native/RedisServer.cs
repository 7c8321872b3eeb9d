// Redis as a native child process on a loopback port, with a password and its data in the state folder.
namespace Lab.Hosting.Native;

public sealed record RedisServerOptions(string DataDirectory, string Password, int Port = 0, bool Persist = true)
{
    /// <summary>Look for redis-server only here (tests use it to simulate a machine without Redis).</summary>
    public string? BinarySearchPath { get; init; }
}

public sealed class RedisServer : IAsyncDisposable
{
    public const string InstallCommand = "sudo apt-get install -y redis-server";
    private readonly NativeProcess _process;

    private RedisServer(NativeProcess process, int port, string password)
    {
        _process = process;
        Port = port;
        Password = password;
    }

    public int Port { get; }
    public string Password { get; }
    public int Pid => _process.Pid;
    public Task Exited => _process.Exited;

    /// <summary>StackExchange.Redis form, as Aspire hands it to projects.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={Password}";

    public static async Task<RedisServer> StartAsync(RedisServerOptions options, Action<string, bool>? onOutput, CancellationToken cancellationToken)
    {
        var redis = ExecutableLocator.FindIn("redis-server", options.BinarySearchPath, "/usr/bin", "/usr/local/bin")
            ?? throw new MissingDependencyException("redis-server", InstallCommand);
        var port = options.Port == 0 ? FreePort.Next() : options.Port;
        if (!FreePort.IsFree(port))
        {
            throw new PortInUseException("redis", port);
        }
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tail = new LogTail(40);
        var output = onOutput ?? ((_, _) => { });
        string[] arguments =
        [
            "--port", port.ToString(), "--bind", "127.0.0.1", "--dir", dataDirectory,
            "--requirepass", options.Password, "--save", "", "--appendonly", options.Persist ? "yes" : "no",
            "--daemonize", "no", "--supervised", "no", "--logfile", "",
        ];
        var process = NativeProcess.Start(redis, arguments, (line, isError) =>
        {
            tail.Add(line);
            output(line, isError);
            if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        });
        var finished = await Task.WhenAny(ready.Task, process.Exited, Task.Delay(TimeSpan.FromSeconds(30), cancellationToken));
        if (finished != ready.Task)
        {
            await process.DisposeAsync();
            throw new InvalidOperationException($"Redis did not become ready on port {port}. Last log lines:{Environment.NewLine}{tail}");
        }
        return new RedisServer(process, port, options.Password);
    }

    public Task StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(5));

    public Task StopAsync(TimeSpan grace) => _process.StopAsync(grace);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
