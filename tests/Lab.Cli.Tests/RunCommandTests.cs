// `run`: names validated before anything starts, live progress, the row and verdict, exit codes and Ctrl+C.
using Spectre.Console.Testing;
using System.Text.Json;
using Lab.Contracts;
using Lab.Contracts.Costs;

namespace Lab.Cli.Tests;

public sealed class RunCommandTests
{
    private static readonly string[] Args =
        ["run", "--experiment", "cost", "--case", "steady-cost-efficiency", "--profile", "optimized-batched", "--api", "http://orchestrator.test", "--scale", "0.1", "--seed", "7"];

    private static CliServices Services(ScriptedOrchestrator orchestrator, IInterrupts? interrupts = null) => new()
    {
        WorkingDirectory = CliHarness.EmptyDirectory(),
        GetEnvironmentVariable = name => name == "LAB_API_KEY" ? "the-key" : null,
        PollInterval = TimeSpan.FromMilliseconds(1),
        CreateHttpHandler = () => orchestrator,
        Interrupts = interrupts ?? new PressableInterrupts(),
    };

    [Fact]
    public async Task A_completed_run_ends_with_its_row_and_verdict_and_exit_code_0()
    {
        var orchestrator = new ScriptedOrchestrator(RunStatus.CheckingReadiness, RunStatus.Running, RunStatus.Draining, RunStatus.Completed);

        var result = await CliHarness.RunAsync(Args, Services(orchestrator));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new Lab.Contracts.Orchestration.StartRunRequest("cost", "steady-cost-efficiency", "optimized-batched", null, 7, 0.1), orchestrator.Started);
        Assert.Equal("Bearer the-key", orchestrator.Authorization);
        Assert.Matches(@"steady-cost-efficiency × optimized-batched 2670 / 0 1\.61s \$0\.019752", result.Flat);
        Assert.Contains("SLO pass: p95_latency_s 1.61 s (limit 2 s)", result.Flat);
        // Without a terminal the progress goes to stderr as lines (sent, succeeded, dropped, in flight, elapsed, ETA).
        Assert.Matches(@"Running\s+sent \d+/100 ok \d+ dropped 0 in flight \d+ elapsed 00:0\d ETA 00:10", result.FlatError);
    }

    [Fact]
    public async Task A_failed_run_exits_1_with_its_reason()
    {
        var orchestrator = new ScriptedOrchestrator(RunStatus.CheckingReadiness, RunStatus.Failed);

        var result = await CliHarness.RunAsync(Args, Services(orchestrator));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Failed: target not ready: /health answered 503", result.Flat);
    }

    [Fact]
    public async Task Json_prints_only_the_final_progress()
    {
        var orchestrator = new ScriptedOrchestrator(RunStatus.Running, RunStatus.Completed);

        var result = await CliHarness.RunAsync([.. Args, "--json"], Services(orchestrator));

        Assert.Equal(0, result.ExitCode);
        var final = JsonSerializer.Deserialize(result.Out, LabJsonContext.Default.RunProgress)!;
        Assert.Equal(RunStatus.Completed, final.Status);
        Assert.Equal(2670, final.Summary!.Successful);
    }

    [Fact]
    public async Task An_unknown_profile_names_the_valid_ones_and_starts_nothing()
    {
        var orchestrator = new ScriptedOrchestrator(RunStatus.Completed);
        string[] args = ["run", "-e", "cost", "-c", "steady-cost-efficiency", "-p", "turbo", "--api", "http://orchestrator.test"];

        var result = await CliHarness.RunAsync(args, Services(orchestrator));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown profile 'turbo'. Valid profiles: naive-single, optimized-batched.", result.FlatError);
        Assert.Null(orchestrator.Started);
    }

    [Fact]
    public async Task An_unknown_case_or_experiment_names_the_valid_ones()
    {
        var badCase = await CliHarness.RunAsync(["run", "-e", "cost", "-c", "spiky", "-p", "naive-single", "--api", "http://orchestrator.test"],
            Services(new ScriptedOrchestrator()));
        var badExperiment = await CliHarness.RunAsync(["run", "-e", "latency", "-c", "spiky", "-p", "naive-single", "--api", "http://orchestrator.test"],
            Services(new ScriptedOrchestrator()));

        Assert.Equal(2, badCase.ExitCode);
        Assert.Contains("Unknown case 'spiky'. Valid cases: steady-cost-efficiency, burst-cost-efficiency.", badCase.FlatError);
        Assert.Equal(2, badExperiment.ExitCode);
        Assert.Contains("Unknown experiment 'latency'. Valid experiments: cost.", badExperiment.FlatError);
    }

    [Fact]
    public async Task Ctrl_c_without_a_terminal_cancels_the_run_and_exits_non_zero()
    {
        var interrupts = new PressableInterrupts();
        var orchestrator = new ScriptedOrchestrator(RunStatus.Running, RunStatus.Running, RunStatus.Running, RunStatus.Running, RunStatus.Completed)
        {
            OnPoll = (2, interrupts.Press),
        };

        var result = await CliHarness.RunAsync(Args, Services(orchestrator, interrupts));

        Assert.True(orchestrator.CancelRequested);
        Assert.Equal(130, result.ExitCode);
        Assert.Contains("Cancelled", result.Flat);
    }

    [Theory]
    [InlineData("y", true, 130)]
    [InlineData("n", false, 0)]
    public async Task Ctrl_c_on_a_terminal_asks_before_cancelling(string answer, bool cancelled, int exitCode)
    {
        var interrupts = new PressableInterrupts();
        var orchestrator = new ScriptedOrchestrator(RunStatus.Running, RunStatus.Running, RunStatus.Running, RunStatus.Running, RunStatus.Completed)
        {
            OnPoll = (2, interrupts.Press),
        };

        var result = await CliHarness.RunAsync(Args, Services(orchestrator, interrupts), console =>
        {
            console.Interactive();
            console.Input.PushTextWithEnter(answer);
        });

        Assert.Contains("Cancel run", result.Out);
        Assert.Equal(cancelled, orchestrator.CancelRequested);
        Assert.Equal(exitCode, result.ExitCode);
    }
}
