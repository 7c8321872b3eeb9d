// `experiment matrix <experiment>`: every case × profile cell, one after another, then the card.
using System.CommandLine;
using Lab.Cli.Connection;
using Lab.Cli.Rendering;
using Lab.Contracts.Orchestration;
using Spectre.Console;
using Lab.Evidence;

namespace Lab.Cli.Commands;

public static class MatrixCommand
{
    public static Command Create(Func<ParseResult, CliContext> context)
    {
        var experiment = new Argument<string>("experiment") { Description = "The experiment id, e.g. cost." };
        var scale = RunCommand.ScaleOption();
        var seed = new Option<long?>("--seed") { Description = "Seed of the arrival processes." };
        var cases = new Option<string[]>("--case", "-c") { Description = "Only these cases (repeatable; default: all)." };
        var profiles = new Option<string[]>("--profile", "-p") { Description = "Only these profiles (repeatable; default: all)." };
        var command = new Command("matrix", "Run every cell of an experiment (cases × profiles), then show its card.")
        {
            experiment, scale, seed, cases, profiles,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            context(parse),
            new StartMatrixRequest(parse.GetValue(experiment)!, parse.GetValue(cases), parse.GetValue(profiles), parse.GetValue(scale), parse.GetValue(seed)),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, StartMatrixRequest request, CancellationToken cancellationToken)
    {
        var lab = await context.ConnectAsync(cancellationToken);
        var (final, report) = await RunMatrixAsync(context, lab, request, cancellationToken);
        if (context.Json)
        {
            context.WriteLabJson(report);
        }
        else
        {
            ExperimentCard.Render(context.Out, report);
        }
        return ExitCode(final);
    }

    /// <summary>Starts the matrix, watches it to the end and fetches the report the card is drawn from.</summary>
    public static async Task<(MatrixProgress Final, Contracts.Costs.ExperimentReport Report)> RunMatrixAsync(
        CliContext context, LabConnection lab, StartMatrixRequest request, CancellationToken cancellationToken)
    {
        var definition = await Definitions.GetAsync(lab, request.Experiment, cancellationToken);
        request = request with
        {
            Experiment = definition.Id,
            Cases = Definitions.Cases(definition, request.Cases).Select(c => c.Id).ToList(),
            Profiles = Definitions.Profiles(definition, request.Profiles).Select(p => p.Id).ToList(),
        };
        var started = await lab.Orchestrator.StartMatrixAsync(request, cancellationToken);
        if (!context.Json)
        {
            context.Out.MarkupLine($"Matrix [bold]{started.MatrixId}[/]: {request.Cases!.Count} case(s) × {request.Profiles!.Count} profile(s) of {Markup.Escape(definition.Id)}" +
                (request.Scale is { } s ? $" at scale {Format.Number(s)}" : "") + ". Ctrl+C asks whether to cancel.");
        }
        var final = await WatchAsync(context, lab.Orchestrator, started, cancellationToken);
        if (!context.Json && ExitCode(final) != ExitCodes.Success)
        {
            context.Error.MarkupLine($"[yellow]Matrix {Markup.Escape(final.Status)}[/]");
        }
        var report = await lab.Costs.GetReportAsync(definition.Id, cancellationToken);
        return (final, report);
    }

    /// <summary>0 only when every cell completed; a refused or failed cell fails the matrix, a cancelled one cancels it.</summary>
    public static int ExitCode(MatrixProgress matrix) =>
        matrix.Runs.Any(r => r.Status == Contracts.Costs.RunStatus.Cancelled) ? ExitCodes.Cancelled
        : string.Equals(matrix.Status, "Completed", StringComparison.OrdinalIgnoreCase)
            && matrix.Runs.All(r => r.Status == Contracts.Costs.RunStatus.Completed) && matrix.Pending.Count == 0 ? ExitCodes.Success
        : ExitCodes.Failure;

    /// <summary>The orchestrator says Running until the last cell ends, then Completed or CompletedWithFailures: why.</summary>
    public static bool IsDone(MatrixProgress matrix) =>
        !matrix.Status.StartsWith("Running", StringComparison.OrdinalIgnoreCase)
        && !matrix.Status.StartsWith("Pending", StringComparison.OrdinalIgnoreCase)
        && matrix.Runs.All(r => RunLifecycle.IsTerminal(r.Status));

    private static Task<MatrixProgress> WatchAsync(CliContext context, IOrchestratorApi orchestrator, MatrixProgress started, CancellationToken cancellationToken) =>
        new ProgressWatch<MatrixProgress>(context)
        {
            IsDone = IsDone,
            Poll = ct => orchestrator.GetMatrixAsync(started.MatrixId, ct),
            Update = Update,
            Phase = m => string.Join(",", m.Runs.Select(r => r.Status)) + m.Pending.Count,
            Line = m => $"matrix {m.Status}: " + string.Join(" | ", m.Runs.Select(r => $"{r.Case} × {r.Profile} {RunCommand.Describe(r)}")) +
                (m.Pending.Count > 0 ? $" | {m.Pending.Count} pending" : ""),
            // Cancelling the matrix cancels whatever cell is running; the loop keeps cancelling cells until none is left.
            Cancel = async (m, ct) =>
            {
                foreach (var run in m.Runs.Where(r => !RunLifecycle.IsTerminal(r.Status)))
                {
                    await orchestrator.CancelRunAsync(run.RunId, ct);
                }
                return await orchestrator.GetMatrixAsync(m.MatrixId, ct);
            },
            CancelQuestion = $"Cancel matrix {started.MatrixId} (the running cell and the ones not started)?",
        }.RunAsync(started, cancellationToken);

    private static void Update(ProgressContext progress, Dictionary<string, ProgressTask> tasks, MatrixProgress matrix)
    {
        var cells = matrix.Runs.Select(r => (Key: $"{r.Case} × {r.Profile}", Run: (RunProgress?)r))
            .Concat(matrix.Pending.Select(p => (Key: $"{p.Case} × {p.Profile}", Run: (RunProgress?)null)));
        foreach (var (key, run) in cells)
        {
            if (!tasks.TryGetValue(key, out var task))
            {
                tasks[key] = task = progress.AddTask(Markup.Escape(key), autoStart: run is not null, maxValue: 1);
            }
            if (run is null)
            {
                task.Description = Markup.Escape(key) + " [grey]waiting[/]";
                continue;
            }
            if (!task.IsStarted)
            {
                task.StartTask();
            }
            task.MaxValue = Math.Max(1, run.Scheduled);
            task.Value = run.Succeeded + run.Dropped;
            task.Description = Markup.Escape($"{key}  {RunCommand.Describe(run)}");
            if (RunLifecycle.IsTerminal(run.Status))
            {
                task.StopTask();
            }
        }
    }
}
