using Microsoft.Extensions.Logging;

namespace Lab.Hosting.Kubernetes.Tests;

/// <summary>Keeps the AppHost's error logs (message and exception) so a test can read what a failed publish said.</summary>
internal sealed class CapturedLog : ILoggerProvider
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors
    {
        get { lock (_errors) { return [.. _errors]; } }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lock (log._errors)
                {
                    log._errors.Add($"{formatter(state, exception)} {exception?.Message}");
                }
            }
        }
    }
}
