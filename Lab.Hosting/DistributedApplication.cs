// A built app: runs every resource locally (or publishes them), mirroring Aspire.Hosting.DistributedApplication.
using System.Diagnostics;
using System.Runtime.InteropServices;
using Lab.Contracts.ControlPlane;
using Lab.Hosting.ApplicationModel;
using Lab.Hosting.Control;
using Lab.Hosting.Dashboard;
using Lab.Hosting.Native;
using Lab.Hosting.Orchestration;
using Lab.Hosting.Publishing;
using Microsoft.AspNetCore.Builder;

namespace Lab.Hosting;

public sealed class DistributedApplication : IAsyncDisposable
{
    private static readonly TimeSpan ProcessGrace = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan ServerGrace = TimeSpan.FromSeconds(4);

    private readonly IReadOnlyList<string> _errors;
    private readonly string _usage;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<ResourceRunner> _runners = [];
    // Generous: on a busy 2-core machine a first /health can take seconds while the JIT warms up.
    private readonly HttpClient _healthClient = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Stopwatch _sinceStart = new();
    // Held against other AppHosts and fixtures on this machine until this app is disposed.
    private readonly PortReservations _ports = new();
    private PortAllocation? _values;
    private WebApplication? _control;
    private DashboardLauncher? _dashboard;
    private StateFolder? _state;
    private Task _starting = Task.CompletedTask;
    private bool _stopped;

    internal DistributedApplication(DistributedApplicationModel model, DistributedApplicationOptions options,
        DistributedApplicationExecutionContext executionContext, string appHostDirectory, IReadOnlyList<string> errors, string usage)
    {
        Model = model;
        Options = options;
        ExecutionContext = executionContext;
        AppHostDirectory = appHostDirectory;
        _errors = errors;
        _usage = usage;
        ResourceLogs = new ResourceLoggerService(TimeProvider.System);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static IDistributedApplicationBuilder CreateBuilder(string[] args)
    {
        var options = DistributedApplicationOptions.Parse(args);
        // Like Aspire's, the dashboard is not a declared resource: the AppHost's reference to it is enough.
        options.DashboardAssemblyPath ??= (System.Reflection.Assembly.GetCallingAssembly().GetType("Projects.Lab_Dashboard") is { } type
            && Activator.CreateInstance(type) is IProjectMetadata metadata) ? metadata.AssemblyPath : null;
        DistributedApplicationBuilder.Interceptor.Value?.OnCreating(options);
        return new DistributedApplicationBuilder(options);
    }

    public DistributedApplicationModel Model { get; }
    public DistributedApplicationOptions Options { get; }
    public DistributedApplicationExecutionContext ExecutionContext { get; }
    public string AppHostDirectory { get; }
    public ResourceNotificationService ResourceNotifications { get; } = new();
    public ResourceLoggerService ResourceLogs { get; }

    /// <summary>The control API (<c>GET /api/resources</c>), once started.</summary>
    public Uri? ControlUrl { get; private set; }
    public string? StateDirectory => _state?.Path;

    /// <summary>Runs after the app has stopped (the testing builder removes its temporary state folder here).</summary>
    internal List<Action> OnDisposed { get; } = [];

    /// <summary>Validates, allocates ports, starts the control API and launches every resource; returns without waiting for health.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_errors.Count > 0)
        {
            throw new DistributedApplicationException(string.Join(Environment.NewLine, _errors) + Environment.NewLine + _usage, exitCode: 2);
        }
        if (ExecutionContext.IsPublishMode)
        {
            throw new DistributedApplicationException("This app was built to publish (--publisher); call RunAsync to write the artifacts.", exitCode: 2);
        }
        _sinceStart.Start();
        CheckNativeDependencies();
        _state = new StateFolder(Options.StateDirectory ?? StateFolder.Locate(AppHostDirectory));
        _state.Prepare(Options.Fresh);
        if (Options.ControlPort != 0 && !FreePort.IsFree(Options.ControlPort))
        {
            throw new PortInUseException("apphost control API (--port)", Options.ControlPort);
        }
        _values = PortAllocation.Allocate(Model, _ports.Next, FreePort.IsFree, [Options.ControlPort]);
        _state.ResolveParameters(Model.Resources.OfType<ParameterResource>(), _values);

        _control = await ControlApi.StartAsync(Options.ControlPort, ResourceNotifications, ResourceLogs, cancellationToken);
        ControlUrl = ControlApi.Url(_control);
        var otlp = Options.OtlpEndpoint ?? $"http://127.0.0.1:{ControlUrl.Port + 1}";
        string? otlpHeaders = null;
        if (Options.OtlpEndpoint is null && !Options.NoDashboard && Options.DashboardAssemblyPath is { } dashboard && File.Exists(dashboard))
        {
            _dashboard = DashboardLauncher.Launch(dashboard, ControlUrl, Options.Unsecured, new LogTail(40), _ports.Next, TieringDelayMs);
            otlp = _dashboard.Endpoints.OtlpGrpc.ToString().TrimEnd('/');
            otlpHeaders = _dashboard.Endpoints.OtlpHeaders;
        }
        var context = new RunContext(Model, _values, new RunEnvironment(otlp, Options.EnvironmentName, OtlpHeaders: otlpHeaders, DashboardUrl: _dashboard?.Endpoints.Frontend,
            TieringDelayMs: TieringDelayMs), ResourceNotifications, ResourceLogs,
            _state.Path, Options.BinPath, _stopping.Token);
        foreach (var resource in Model.Resources)
        {
            ResourceRunner? runner = resource switch
            {
                RedisResource redis => new RedisRunner(redis, context),
                PostgresServerResource postgres => new PostgresRunner(postgres, context),
                ProcessResource process => new ProcessRunner(process, context, _healthClient),
                _ => null,
            };
            if (runner is not null)
            {
                _runners.Add(runner);
                runner.Announce();
            }
        }
        new ConsoleReporter(Options.Output, Options.UseColors, ResourceNotifications, ResourceLogs).Attach(_sinceStart, ControlUrl, _stopping.Token);
        _state.WriteAppHostFile(new AppHostInfo(ControlUrl.ToString(), Environment.ProcessId, DateTimeOffset.UtcNow, _state.Path,
            ResourceNotifications.Snapshots.ToDictionary(s => s.Name, s => s.Endpoints), _dashboard?.Endpoints.LoginUrl));
        _starting = Task.WhenAll(_runners.Select(r => Task.Run(() => r.StartAsync(_stopping.Token), CancellationToken.None)));
        // Everything starts while the dashboard comes up (~1 s): services export telemetry in batches a second apart
        // and retry an export the receiver refused (OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY=in_memory), so nothing is
        // lost by not waiting. A dashboard that never listens still fails the start, with its last log lines.
        if (_dashboard is not null)
        {
            await _dashboard.WaitUntilListeningAsync(cancellationToken);
            Options.Output.WriteLine($"Dashboard: {_dashboard.Endpoints.LoginUrl}");
        }
    }

    /// <summary>The tiering delay every .NET process of a local run gets (see RunEnvironment.LocalTieringDelayMs).</summary>
    private static string TieringDelayMs =>
        Environment.GetEnvironmentVariable("DOTNET_TC_CallCountingDelayMs") is { Length: > 0 } configured ? configured : RunEnvironment.LocalTieringDelayMs;

    /// <summary>Stops projects first (so nothing logs about a vanished database), then the servers; within 10 s.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        await _stopping.CancelAsync();
        try
        {
            await _starting.WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
        }
        await Task.WhenAll(_runners.Where(r => r is ProcessRunner).Select(r => r.StopAsync(ProcessGrace)));
        await Task.WhenAll(_runners.Where(r => r is not ProcessRunner).Select(r => r.StopAsync(ServerGrace)));
        if (_dashboard is not null)
        {
            await _dashboard.StopAsync();
        }
        if (_control is not null)
        {
            await _control.StopAsync(CancellationToken.None);
            await _control.DisposeAsync();
        }
        _state?.DeleteAppHostFile(Environment.ProcessId);
        ResourceNotifications.CompleteWatchers();
    }

    /// <summary>Every process id the app has started (servers, every replica, the dashboard).</summary>
    public IReadOnlyList<int> ProcessIds => [.. _runners.SelectMany(r => r.Pids), .. _dashboard is null ? [] : new[] { _dashboard.Pid }];

    /// <summary>The dashboard's URLs and secrets, when it was started.</summary>
    public DashboardEndpoints? Dashboard => _dashboard?.Endpoints;

    /// <summary>URL of one endpoint of a resource in this run, e.g. for <c>CreateHttpClient</c>.</summary>
    public Uri GetEndpoint(string resourceName, string endpointName = "http", int replica = 0)
    {
        var resource = Model.Find(resourceName) ?? throw new DistributedApplicationException(
            $"There is no resource named '{resourceName}'. Resources: {string.Join(", ", Model.Resources.Select(r => r.Name))}.");
        var values = _values ?? throw new DistributedApplicationException("The app has not been started.");
        return new Uri(new EndpointReference(resource, endpointName, EndpointProperty.Url, replica).GetValue(values));
    }

    public void Run() => RunAsync().GetAwaiter().GetResult();

    /// <summary>The AppHost's main loop: report bad input (exit code 2), publish, or run until Ctrl+C / SIGTERM.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (Options.Help)
        {
            Options.Output.WriteLine(_usage);
            return;
        }
        try
        {
            if (_errors.Count > 0 || ExecutionContext.IsPublishMode)
            {
                await PublishOrThrowAsync(cancellationToken);
                return;
            }
            var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
            await StartAsync(cancellationToken);
            await Task.WhenAny(stop.Task, Task.Delay(Timeout.Infinite, cancellationToken));
            var stopping = Stopwatch.StartNew();
            Options.Output.WriteLine("Stopping all resources…");
            await StopAsync(CancellationToken.None);
            Options.Output.WriteLine($"Stopped in {stopping.Elapsed.TotalSeconds:0.0} s.");
        }
        catch (Exception e) when (e is DistributedApplicationException or PortInUseException or MissingDependencyException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            Environment.ExitCode = e is DistributedApplicationException d ? d.ExitCode : 1;
            await StopAsync(CancellationToken.None);
        }
        finally
        {
            await DisposeAsync();
        }
    }

    private async Task PublishOrThrowAsync(CancellationToken cancellationToken)
    {
        if (_errors.Count > 0)
        {
            throw new DistributedApplicationException(string.Join(Environment.NewLine, _errors) + Environment.NewLine + _usage, exitCode: 2);
        }
        var publisher = Publishers.Create(Options.Publisher!);
        if (Options.OutputPath is null)
        {
            throw new DistributedApplicationException($"--publisher {Options.Publisher} needs --output-path <path>.", exitCode: 2);
        }
        await publisher.PublishAsync(Model, new PublishingContext(Options.OutputPath, AppHostDirectory), cancellationToken);
        Options.Output.WriteLine($"{publisher.Name}: wrote {Options.OutputPath}");
    }

    /// <summary>Fails before anything starts when a server program is missing, with the command that installs it.</summary>
    private void CheckNativeDependencies()
    {
        if (Model.Resources.OfType<RedisResource>().Any()
            && ExecutableLocator.FindIn("redis-server", Options.BinPath, "/usr/bin", "/usr/local/bin") is null)
        {
            throw new MissingDependencyException("redis-server", RedisServer.InstallCommand);
        }
        if (Model.Resources.OfType<PostgresServerResource>().Any() && ExecutableLocator.FindPostgresBin(Options.BinPath) is null)
        {
            throw new MissingDependencyException("initdb/postgres (PostgreSQL server)", PostgresServer.InstallCommand);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _healthClient.Dispose();
        _ports.Dispose();
        foreach (var callback in OnDisposed)
        {
            callback();
        }
        OnDisposed.Clear();
    }
}
