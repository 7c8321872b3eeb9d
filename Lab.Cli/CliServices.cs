// The CLI's composition root: everything a command touches outside itself, replaceable by tests.
using Lab.Cli.Connection;
using Lab.Cli.WhatIf;

namespace Lab.Cli;

public sealed class CliServices
{
    /// <summary>Where errors and progress go when stdout carries --json; the main console when null.</summary>
    public Spectre.Console.IAnsiConsole? ErrorConsole { get; init; }

    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How often run and matrix progress is polled from the orchestrator.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The GPU twin in virtual time; whatif says so when this build has none.</summary>
    public IWhatIfEngine? WhatIfEngine { get; init; }

    /// <summary>The experiments/*.yaml definitions, for whatif and list when the lab is not running.</summary>
    public ILocalExperiments? LocalExperiments { get; init; }

    public IInterrupts Interrupts { get; init; } = new ConsoleInterrupts();

    public ILabLauncher Launcher { get; init; } = new BackgroundAppHost();

    public Func<HttpMessageHandler> CreateHttpHandler { get; init; } = () => new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };
}

/// <summary>Ctrl+C as an event, so run and matrix can ask before cancelling and tests can press it.</summary>
public interface IInterrupts
{
    IDisposable Subscribe(Action onInterrupt);
}

public sealed class ConsoleInterrupts : IInterrupts
{
    public IDisposable Subscribe(Action onInterrupt)
    {
        ConsoleCancelEventHandler handler = (_, e) =>
        {
            // Keep the process alive: the command decides whether to cancel the run.
            e.Cancel = true;
            onInterrupt();
        };
        Console.CancelKeyPress += handler;
        return new Unsubscribe(() => Console.CancelKeyPress -= handler);
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
