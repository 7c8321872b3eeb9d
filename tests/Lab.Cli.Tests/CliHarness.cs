// Runs the CLI in-process on test consoles, the way Program.cs runs it on the terminal.
using Lab.Cli;
using Spectre.Console.Testing;

namespace Lab.Cli.Tests;

public sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>The output with line wrapping and table borders folded into single spaces, for phrase assertions.</summary>
    public string Flat => Fold(Out);

    public string FlatError => Fold(Error);

    public static string Fold(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text.Replace('│', ' ').Replace('|', ' '), @"\s+", " ");
}

public static class CliHarness
{
    public static async Task<CliResult> RunAsync(string[] args, CliServices? services = null, Action<TestConsole>? configure = null)
    {
        using var output = new TestConsole().Width(220);
        using var error = new TestConsole().Width(220);
        configure?.Invoke(output);
        services ??= new CliServices { WorkingDirectory = EmptyDirectory(), GetEnvironmentVariable = _ => null };
        var withError = new CliServices
        {
            ErrorConsole = error,
            WorkingDirectory = services.WorkingDirectory,
            GetEnvironmentVariable = services.GetEnvironmentVariable,
            Time = services.Time,
            PollInterval = services.PollInterval,
            WhatIfEngine = services.WhatIfEngine,
            LocalExperiments = services.LocalExperiments,
            Interrupts = services.Interrupts,
            Launcher = services.Launcher,
            CreateHttpHandler = services.CreateHttpHandler,
        };
        var exitCode = await Cli.RunAsync(args, output, withError, TestContext.Current.CancellationToken);
        return new CliResult(exitCode, output.Output, error.Output);
    }

    /// <summary>A directory with no .lab above it (the temp folder), so the lab's address must come from options.</summary>
    public static string EmptyDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "lab-cli-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(path);
        return path;
    }
}
