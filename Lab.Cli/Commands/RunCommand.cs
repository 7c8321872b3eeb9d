// `experiment run`: one cell of an experiment against its target, watched live until it ends.
using System.CommandLine;
using Lab.Cli.Rendering;
using Lab.Contracts.Costs;
using Lab.Contracts.Orchestration;
using Spectre.Console;
using Lab.Evidence;

namespace Lab.Cli.Commands;

public static class RunCommand
{
    public static Command Create(Func<ParseResult, CliContext> context)
    {
        var experiment = new Option<string>("--experiment", "-e") { Description = "The experiment id, e.g. cost.", Required = true };
        var workload = new Option<string>("--case", "-c") { Description = "The case (workload) id.", Required = true };
        var profile = new Option<string>("--profile", "-p") { Description = "The profile (server configuration) id.", Required = true };
        var scale = ScaleOption();
        var target = new Option<string?>("--target") { Description = "The serving endpoint's URL (default: the profile's target)." };
        var seed = new Option<long?>("--seed") { Description = "Seed of the arrival process (default: the orchestrator's)." };
        var command = new Command("run", "Run one case against one profile, with live progress; ends with the run's row and SLO verdict.")
        {
            experiment, workload, profile, scale, target, seed,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            context(parse),
            new StartRunRequest(parse.GetValue(experiment)!, parse.GetValue(workload)!, parse.GetValue(profile)!,
                TargetUrl(parse.GetValue(target)), parse.GetValue(seed), parse.GetValue(scale)),
            cancellationToken));
        return command;
    }

    /// <summary>--scale: the first fraction of each case's schedule at the same rates, in (0, 1] as the orchestrator takes it.</summary>
    public static Option<double?> ScaleOption()
    {
        var scale = new Option<double?>("--scale", "-s") { Description = "Scale of the case duration keeping its rates (0.1 = a tenth of the requests; bursts cases keep whole burst periods, at least one full spike)." };
        scale.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } value && RunScale.Problem(value) is { } problem)
            {
                result.AddError($"--scale {problem}.");
            }
        });
        return scale;
    }

    private static string? TargetUrl(string? target) =>
        target is null || (Uri.TryCreate(target, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            ? target
            : throw CliError.Usage($"--target expects the serving endpoint's http(s) URL, e.g. http://127.0.0.1:8000, not '{target}'.");

    private static async Task<int> RunAsync(CliContext context, StartRunRequest request, CancellationToken cancellationToken)
    {
        var lab = await context.ConnectAsync(cancellationToken);
        var definition = await Definitions.GetAsync(lab, request.Experiment, cancellationToken);
        request = request with
        {
            Experiment = definition.Id,
            Case = Definitions.Case(definition, request.Case).Id,
            Profile = Definitions.Profile(definition, request.Profile).Id,
        };
        var started = await lab.Orchestrator.StartRunAsync(request, cancellationToken);
        if (!context.Json)
        {
            context.Out.MarkupLine($"Run [bold]{started.RunId}[/]: {Markup.Escape(started.Case)} × {Markup.Escape(started.Profile)} → {Markup.Escape(started.Target)} ({started.Scheduled} requests scheduled). Ctrl+C asks whether to cancel.");
        }
        var final = await WatchAsync(context, lab.Orchestrator, started, cancellationToken);
        if (context.Json)
        {
            context.WriteLabJson(final);
        }
        else
        {
            RenderResult(context.Out, final);
        }
        return ExitCode(final.Status);
    }

    public static int ExitCode(RunStatus status) => status switch
    {
        RunStatus.Completed => ExitCodes.Success,
        RunStatus.Cancelled => ExitCodes.Cancelled,
        _ => ExitCodes.Failure,
    };

    public static Task<RunProgress> WatchAsync(CliContext context, IOrchestratorApi orchestrator, RunProgress started, CancellationToken cancellationToken) =>
        new ProgressWatch<RunProgress>(context)
        {
            IsDone = p => RunLifecycle.IsTerminal(p.Status),
            Poll = ct => orchestrator.GetRunAsync(started.RunId, ct),
            Update = (progress, tasks, p) =>
            {
                if (!tasks.TryGetValue("run", out var task))
                {
                    tasks["run"] = task = progress.AddTask(Markup.Escape(Describe(p)), maxValue: Math.Max(1, p.Scheduled));
                }
                task.MaxValue = Math.Max(1, p.Scheduled);
                task.Value = p.Succeeded + p.Dropped;
                task.Description = Markup.Escape(Describe(p));
                if (RunLifecycle.IsTerminal(p.Status))
                {
                    task.StopTask();
                }
            },
            Line = Describe,
            Phase = p => p.Status.ToString(),
            Cancel = (p, ct) => orchestrator.CancelRunAsync(p.RunId, ct),
            CancelQuestion = $"Cancel run {started.RunId} ({started.Case} × {started.Profile})?",
        }.RunAsync(started, cancellationToken);

    /// <summary>sent, succeeded, dropped, in flight, elapsed and ETA on one line.</summary>
    public static string Describe(RunProgress p)
    {
        var eta = p.EtaSeconds is { } seconds ? Format.Duration(TimeSpan.FromSeconds(seconds)) : "—";
        return $"{p.Status,-17} sent {p.Sent}/{p.Scheduled}  ok {p.Succeeded}  dropped {p.Dropped}  in flight {p.InFlight}  " +
            $"elapsed {Format.Duration(TimeSpan.FromSeconds(p.ElapsedSeconds))}  ETA {eta}";
    }

    public static void RenderResult(IAnsiConsole console, RunProgress run)
    {
        console.MarkupLine($"Run {run.RunId} {Format.StatusMarkup(run.Status)}" + (run.Reason is null ? "" : $": {Markup.Escape(run.Reason)}"));
        if (run.Summary is not { } summary)
        {
            return;
        }
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Run")
            .AddColumn(new TableColumn("Successful / dropped").RightAligned())
            .AddColumn(new TableColumn("p95 latency").RightAligned())
            .AddColumn(new TableColumn("Cost / 1K successful").RightAligned())
            .AddColumn(new TableColumn("Cost / 1M tokens").RightAligned())
            .AddColumn(new TableColumn("Run cost").RightAligned())
            .AddColumn("SLO");
        table.AddRow(
            $"{Markup.Escape(run.Case)} × {Markup.Escape(run.Profile)}",
            $"{summary.Successful} / {summary.Dropped}",
            Format.Milliseconds(summary.RequestLatency?.P95),
            Format.Usd(summary.CostPer1KSuccessfulUsd),
            Format.Usd(summary.CostPer1MTokensUsd, 4),
            Format.Usd(summary.RunCostUsd),
            Format.SloMarkup(summary.Slo));
        console.Write(table);
        RenderVerdict(console, summary);
    }

    /// <summary>The SLO verdict with every term's limit and actual, failing ones in red.</summary>
    public static void RenderVerdict(IAnsiConsole console, RunSummary summary)
    {
        var terms = summary.Slo.Terms.Select(t =>
        {
            var text = Markup.Escape($"{t.Name} {Format.Number(t.Actual)} {t.Unit} (limit {Format.Number(t.Limit)} {t.Unit})");
            return t.Failing ? $"[red]{text}[/]" : $"[green]{text}[/]";
        });
        console.MarkupLine($"SLO {(summary.Slo.Passed ? "[bold green]pass[/]" : "[bold red]miss[/]")}: {string.Join(", ", terms)}");
        if (summary.DroppedByReason.Count > 0)
        {
            console.MarkupLine($"[grey]Dropped by reason: {Markup.Escape(string.Join(", ", summary.DroppedByReason.Select(r => $"{r.Key} {r.Value}")))}[/]");
        }
        console.MarkupLine($"[grey]{Markup.Escape(summary.EvidenceBoundary)}[/]");
    }
}
