// PostgreSQL as a native child process: initdb on first start, postgres in the foreground, databases created.
using System.Diagnostics;

namespace Lab.Hosting.Native;

public sealed record PostgresServerOptions(
    string DataDirectory,
    string Password,
    int Port = 0,
    IReadOnlyList<string>? Databases = null,
    IReadOnlyDictionary<string, string>? Settings = null,
    string UserName = "postgres")
{
    /// <summary>Look for the server binaries only here (tests use it to simulate a machine without PostgreSQL).</summary>
    public string? BinarySearchPath { get; init; }
}

/// <summary>
/// Runs <c>postgres</c> itself (not <c>pg_ctl</c>) so the server is our direct child and dies with us.
/// As root it runs as the <c>postgres</c> user, since PostgreSQL refuses to run as root.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string InstallCommand = "sudo apt-get install -y postgresql";
    private readonly NativeProcess _process;

    private PostgresServer(NativeProcess process, int port, PostgresServerOptions options)
    {
        _process = process;
        Port = port;
        Options = options;
    }

    public int Port { get; }
    public int Pid => _process.Pid;
    public PostgresServerOptions Options { get; }
    public Task Exited => _process.Exited;

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={Options.UserName};Password={Options.Password};Database={database}";

    public static async Task<PostgresServer> StartAsync(PostgresServerOptions options, Action<string, bool>? onOutput, CancellationToken cancellationToken)
    {
        var bin = ExecutableLocator.FindPostgresBin(options.BinarySearchPath) ?? throw new MissingDependencyException("initdb (PostgreSQL server)", InstallCommand);
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        var output = onOutput ?? ((_, _) => { });
        var dataDirectory = Path.GetFullPath(options.DataDirectory);

        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await InitializeAsync(bin, dataDirectory, options, runAs, output, cancellationToken);
        }

        var port = options.Port == 0 ? FreePort.Next() : options.Port;
        if (!FreePort.IsFree(port))
        {
            throw new PortInUseException("postgres", port);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tail = new LogTail(40);
        var arguments = new List<string> { "-D", dataDirectory, "-p", port.ToString(), "-h", "127.0.0.1", "-k", dataDirectory };
        foreach (var (key, value) in options.Settings ?? new Dictionary<string, string>())
        {
            arguments.Add("-c");
            arguments.Add($"{key}={value}");
        }
        var process = NativeProcess.Start(Path.Combine(bin, "postgres"), arguments, (line, isError) =>
        {
            tail.Add(line);
            output(line, isError);
            if (line.Contains("ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }, runAsUser: runAs);

        var finished = await Task.WhenAny(ready.Task, process.Exited, Task.Delay(TimeSpan.FromSeconds(60), cancellationToken));
        if (finished != ready.Task)
        {
            await process.DisposeAsync();
            throw new InvalidOperationException($"PostgreSQL did not become ready on port {port}. Last log lines:{Environment.NewLine}{tail}");
        }

        var server = new PostgresServer(process, port, options);
        foreach (var database in options.Databases ?? [])
        {
            await server.CreateDatabaseAsync(database, cancellationToken);
        }
        return server;
    }

    /// <summary>Creates the database unless it exists; safe to call on every start.</summary>
    public async Task CreateDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        var bin = ExecutableLocator.FindPostgresBin(Options.BinarySearchPath)!;
        var env = new Dictionary<string, string?> { ["PGPASSWORD"] = Options.Password };
        // Asked first, so a warm start neither logs "database already exists" as an ERROR in the server's log nor
        // spawns createdb for nothing. The name comes from the app model; quotes are doubled for the literal.
        var (probeExit, exists) = await RunToEndAsync(Path.Combine(bin, "psql"),
            ["-h", "127.0.0.1", "-p", Port.ToString(), "-U", Options.UserName, "-d", "postgres", "-tAc",
             $"SELECT 1 FROM pg_database WHERE datname = '{database.Replace("'", "''", StringComparison.Ordinal)}'"], env, null, cancellationToken);
        if (probeExit == 0 && exists.Trim() == "1")
        {
            return;
        }
        var (exitCode, text) = await RunToEndAsync(Path.Combine(bin, "createdb"),
            ["-h", "127.0.0.1", "-p", Port.ToString(), "-U", Options.UserName, database], env, null, cancellationToken);
        if (exitCode != 0 && !text.Contains("already exists", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"createdb {database} failed: {text}");
        }
    }

    private static async Task InitializeAsync(string bin, string dataDirectory, PostgresServerOptions options, string? runAs,
        Action<string, bool> output, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        var passwordFile = Path.Combine(Path.GetDirectoryName(dataDirectory)!, $".{Path.GetFileName(dataDirectory)}.pw");
        await File.WriteAllTextAsync(passwordFile, options.Password, cancellationToken);
        try
        {
            if (runAs is not null)
            {
                await RunToEndAsync("chown", ["-R", $"{runAs}:{runAs}", dataDirectory, passwordFile], null, null, cancellationToken);
            }
            var (exitCode, text) = await RunToEndAsync(Path.Combine(bin, "initdb"),
                ["-D", dataDirectory, "-U", options.UserName, "--pwfile=" + passwordFile, "--auth-local=trust",
                 "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"], null, runAs, cancellationToken);
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                output(line, false);
            }
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"initdb failed (exit {exitCode}): {text}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    internal static async Task<(int ExitCode, string Output)> RunToEndAsync(string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment, string? runAs, CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder();
        var process = NativeProcess.Start(fileName, arguments, (line, _) => { lock (text) { text.AppendLine(line); } }, environment, runAsUser: runAs);
        await process.Exited.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        // The exit event can run ahead of the last output lines.
        await Task.Delay(20, cancellationToken);
        lock (text)
        {
            return (process.ExitCode, text.ToString());
        }
    }

    public Task StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(8));

    /// <summary>SIGTERM (fast shutdown), then SIGKILL after <paramref name="grace"/>.</summary>
    public Task StopAsync(TimeSpan grace) => _process.StopAsync(grace);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}

/// <summary>The last N lines of a process's output, for error messages that show what went wrong.</summary>
public sealed class LogTail(int capacity)
{
    private readonly Queue<string> _lines = new();

    public void Add(string line)
    {
        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
        }
    }

    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) { return [.. _lines]; } }
    }

    public override string ToString() => string.Join(Environment.NewLine, Lines.Select(l => "  " + l));
}

/// <summary>A resource asked for a port that something else already listens on.</summary>
public sealed class PortInUseException(string resource, int port)
    : Exception($"Resource '{resource}' cannot use port {port}: it is already in use. Stop what listens there or choose another port.")
{
    public string Resource { get; } = resource;
    public int Port { get; } = port;
}
