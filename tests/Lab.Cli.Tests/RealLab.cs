// The real lab (the AppHost's model through the testing builder) for CLI tests, found by the CLI the way a user's is:
// a .lab folder above the working directory holding the AppHost's apphost.json and parameters.json (with the API key).
using Lab.Cli.WhatIf;
using Lab.Hosting;
using Lab.Hosting.Testing;

namespace Lab.Cli.Tests;

public sealed class RealLab : IAsyncLifetime
{
    /// <summary>The one live run the class makes: two hundredths of the steady case, about 53 requests at 22 req/s.</summary>
    public static readonly string[] RunArgs =
        ["run", "--experiment", "cost", "--case", "steady-cost-efficiency", "--profile", "optimized-batched", "--scale", "0.02", "--seed", "11", "--json"];

    private IDistributedApplicationTestingBuilder? _builder;
    private DistributedApplication? _app;
    private string? _workingDirectory;

    /// <summary>The CLI's output for <see cref="RunArgs"/>, run once at start so every test sees a measured cell.</summary>
    public CliResult Run { get; private set; } = null!;

    public CliServices Services { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        // No dashboard: these tests read the CLI's output, not telemetry, and the machine has two cores.
        _builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Lab_AppHost>(["--no-dashboard"], ct);
        _app = await _builder.BuildAsync(ct);
        await _app.StartAsync(ct);
        using (var startup = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            startup.CancelAfter(TimeSpan.FromMinutes(3));
            await _app.WaitForAllHealthyAsync(startup.Token);
        }
        _workingDirectory = CliHarness.EmptyDirectory();
        Directory.CreateSymbolicLink(Path.Combine(_workingDirectory, ".lab"), _app.StateDirectory!);
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
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_builder is not null)
        {
            await _builder.DisposeAsync();
        }
        if (_workingDirectory is not null)
        {
            Directory.Delete(_workingDirectory, recursive: true);
        }
    }
}
