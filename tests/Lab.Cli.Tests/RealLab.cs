// The real lab (the AppHost's model through the testing builder) for CLI tests, found by the CLI the way a user's is:
// a .lab folder above the working directory holding the AppHost's apphost.json and parameters.json (with the API key).
using Lab.Cli.WhatIf;
using Lab.AppHost.Testing;

namespace Lab.Cli.Tests;

public sealed class RealLab : IAsyncLifetime
{
    /// <summary>The one live run the class makes: two hundredths of the steady case, about 53 requests at 22 req/s.</summary>
    public static readonly string[] RunArgs =
        ["run", "--experiment", "cost", "--case", "steady-cost-efficiency", "--profile", "optimized-batched", "--scale", "0.02", "--seed", "11", "--json"];

    private RunningLab? _lab;
    private string? _workingDirectory;

    /// <summary>The CLI's output for <see cref="RunArgs"/>, run once at start so every test sees a measured cell.</summary>
    public CliResult Run { get; private set; } = null!;

    public CliServices Services { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        // No dashboard: these tests read the CLI's output, not telemetry, and the machine has two cores.
        _lab = await RunningLab.StartAsync(["--no-dashboard"], cancellationToken: ct);
        _workingDirectory = CliHarness.EmptyDirectory();
        Directory.CreateSymbolicLink(Path.Combine(_workingDirectory, ".lab"), _lab.StateDirectory);
        Services = new CliServices
        {
            WorkingDirectory = _workingDirectory,
            // The key comes from the state folder's parameters.json, as on a developer's machine.
            GetEnvironmentVariable = _ => null,
            PollInterval = TimeSpan.FromMilliseconds(200),
            WhatIfEngine = new TwinWhatIfEngine(),
            Interrupts = new PressableInterrupts(),
        };
        Run = await CliHarness.RunAsync(RunArgs, Services);
    }

    public async ValueTask DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
        if (_workingDirectory is not null)
        {
            Directory.Delete(_workingDirectory, recursive: true);
        }
    }
}
