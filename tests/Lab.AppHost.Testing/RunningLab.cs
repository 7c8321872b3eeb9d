// The real lab (the AppHost's model through Aspire's testing builder, run by DCP) with its own state folder and ports.
using System.Text;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Lab.Contracts.ControlPlane;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lab.AppHost.Testing;

public sealed class RunningLab : IAsyncDisposable
{
    private readonly LogCapture _log;

    private RunningLab(DistributedApplication app, string stateDirectory, LogCapture log)
    {
        App = app;
        StateDirectory = stateDirectory;
        _log = log;
    }

    public DistributedApplication App { get; }

    /// <summary>The run's .lab folder: parameters.json, apphost.json while it runs, PostgreSQL's data.</summary>
    public string StateDirectory { get; }

    /// <summary>What the AppHost and every resource logged, for a failing test's message.</summary>
    public string Output => _log.Text;

    /// <summary>The control API the CLI reads, from the apphost.json the AppHost wrote.</summary>
    public Uri ControlUrl => new(JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(StateDirectory, LabStateFolder.AppHostFile)),
        ControlPlaneJsonContext.Default.AppHostInfo)!.ControlUrl);

    /// <summary>Starts the lab with <paramref name="args"/> (AppHost options) and waits until every resource is healthy.</summary>
    /// <param name="configure">Runs on the testing builder before the lab is built, e.g. to quiet its console logging.</param>
    public static async Task<RunningLab> StartAsync(string[] args, bool dashboard = false, TimeSpan? timeout = null,
        Action<IDistributedApplicationTestingBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var state = Directory.CreateTempSubdirectory("lab-test-").FullName;
        var log = new LogCapture();
        DistributedApplication? app = null;
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Lab_AppHost>(
                ["--state-dir", state, "--port", "0", .. args], (options, _) => options.DisableDashboard = !dashboard, cancellationToken);
            builder.Services.AddLogging(logging => logging.AddProvider(log));
            configure?.Invoke(builder);
            app = await builder.BuildAsync(cancellationToken);
            await app.StartAsync(cancellationToken);
            using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            startup.CancelAfter(timeout ?? TimeSpan.FromMinutes(3));
            var model = app.Services.GetRequiredService<DistributedApplicationModel>();
            // Parameters have no health, and hidden helpers such as each project's rebuilder only start when asked.
            foreach (var resource in model.Resources.Where(r => r is not ParameterResource && !r.Annotations.OfType<ExplicitStartupAnnotation>().Any()))
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource.Name, startup.Token);
            }
            return new RunningLab(app, state, log);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
            Directory.Delete(state, recursive: true);
            throw new InvalidOperationException($"The lab did not come up healthy: {e.Message}{Environment.NewLine}{log.Text}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        Directory.Delete(StateDirectory, recursive: true);
    }

    private sealed class LogCapture : ILoggerProvider
    {
        private readonly StringBuilder _text = new();

        public string Text
        {
            get { lock (_text) { return _text.ToString(); } }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LogCapture capture, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (capture._text)
                {
                    capture._text.Append(category).Append(": ").AppendLine(formatter(state, exception));
                }
            }
        }
    }
}
