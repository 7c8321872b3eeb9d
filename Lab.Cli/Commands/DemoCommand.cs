// `experiment demo`: the README's first command — lab up (bootstrapped), cost matrix at a small scale, the card, URLs.
using System.CommandLine;
using System.Diagnostics;
using Lab.Cli.Connection;
using Lab.Cli.Rendering;
using Lab.Contracts.Costs;
using Lab.Contracts.Orchestration;
using Spectre.Console;

namespace Lab.Cli.Commands;

public sealed record DemoReport(
    bool StartedLab,
    int? AppHostPid,
    string? LogFile,
    string? Control,
    string? Dashboard,
    IReadOnlyList<ResourceInfo> Resources,
    double Scale,
    double ElapsedSeconds,
    string MatrixStatus,
    ExperimentReport Report);

public static class DemoCommand
{
    /// <summary>Each cell's share of a demo that should finish in a few minutes.</summary>
    public static readonly TimeSpan CellBudget = TimeSpan.FromSeconds(30);

    public static Command Create(Func<ParseResult, CliContext> context)
    {
        var experiment = new Argument<string>("experiment") { Description = "The experiment to run.", DefaultValueFactory = _ => "cost" };
        var scale = RunCommand.ScaleOption();
        scale.Description = "Scale of every case (default: what keeps each cell near 30 s).";
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the lab to come up (the first start builds it).", DefaultValueFactory = _ => 900 };
        var command = new Command("demo", "Bring the lab up if it is not running, run the cost matrix at a small scale, show the card, leave the lab running.")
        {
            experiment, scale, timeout,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            context(parse), parse.GetValue(experiment)!, parse.GetValue(scale), TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string experiment, double? scale, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var root = LabState.FindRepositoryRoot(context.Services.WorkingDirectory)
            ?? throw CliError.Usage("demo runs inside the lab's repository (no Lab.sln here or above).");
        var lab = await context.ConnectAsync(cancellationToken);
        LaunchedLab? launched = null;
        if (lab.Address.Control is null || !await lab.Control.IsRunningAsync(cancellationToken))
        {
            context.Error.MarkupLine("[bold]Starting the lab[/] in the background (bootstrap, build, AppHost)…");
            launched = await context.Services.Launcher.StartAsync(root, cancellationToken);
            context.Error.MarkupLine($"[grey]AppHost pid {launched.ProcessId}, log {Markup.Escape(launched.LogFile)}[/]");
        }
        else
        {
            context.Error.MarkupLine($"The lab is already running ({Markup.Escape(lab.Address.Control.ToString())}).");
        }

        var resources = await WaitForLabAsync(context, launched, timeout, cancellationToken);
        lab = await context.ConnectAsync(cancellationToken);
        var definition = await Definitions.GetAsync(lab, experiment, cancellationToken);
        var chosenScale = scale ?? DefaultScale(definition.Cases.Select(c => c.DurationSeconds));
        var (final, report) = await MatrixCommand.RunMatrixAsync(context, lab,
            new StartMatrixRequest(definition.Id, Scale: chosenScale), cancellationToken);
        resources = await lab.Control.GetResourcesAsync(cancellationToken);
        var result = new DemoReport(launched is not null, launched?.ProcessId, launched?.LogFile, lab.Address.Control?.ToString(), lab.Address.Dashboard, resources,
            chosenScale, clock.Elapsed.TotalSeconds, final.Status, report);
        if (context.Json)
        {
            context.WriteJson(result, CliJsonContext.Default.DemoReport);
        }
        else
        {
            ExperimentCard.Render(context.Out, report);
            RenderUrls(context.Out, result);
        }
        return MatrixCommand.ExitCode(final);
    }

    /// <summary>The largest scale (at most 1, two decimals) that keeps the longest case within the cell budget.</summary>
    public static double DefaultScale(IEnumerable<double> caseDurations)
    {
        var longest = caseDurations.DefaultIfEmpty(CellBudget.TotalSeconds).Max();
        return Math.Clamp(Math.Floor(CellBudget.TotalSeconds / longest * 100) / 100, 0.01, 1);
    }

    /// <summary>Polls the control API until every resource is running and healthy; fails fast when the AppHost dies.</summary>
    private static async Task<IReadOnlyList<ResourceInfo>> WaitForLabAsync(CliContext context, LaunchedLab? launched, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = context.Services.Time.GetUtcNow() + timeout;
        IReadOnlyList<ResourceInfo> resources = [];
        var waiting = "waiting for the AppHost's control API";
        return await context.Error.Status().StartAsync(waiting, async status =>
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (launched is not null && launched.HasExited())
                {
                    throw new CliError($"The AppHost stopped before the lab came up. Last lines of {launched.LogFile}:{Environment.NewLine}{Tail(launched.LogFile)}");
                }
                context.Reconnect();
                var lab = await context.ConnectAsync(cancellationToken);
                if (lab.Address.Control is not null)
                {
                    try
                    {
                        resources = await lab.Control.GetResourcesAsync(cancellationToken);
                        var notUp = resources.Where(r => !r.IsUp).ToList();
                        if (resources.Count > 0 && notUp.Count == 0 && lab.HasOrchestrator)
                        {
                            context.Error.MarkupLine($"[green]Lab up[/]: {resources.Count} resources running.");
                            return resources;
                        }
                        if (notUp.FirstOrDefault(r => r.HasFailed) is { } failed)
                        {
                            throw new CliError($"Resource '{failed.Name}' is {failed.State}.", ExitCodes.Failure,
                                launched is null ? "See the AppHost's output." : $"See {launched.LogFile}.");
                        }
                        waiting = $"{resources.Count - notUp.Count}/{resources.Count} resources up; waiting for " +
                            string.Join(", ", notUp.Select(r => $"{r.Name} ({r.State})"));
                    }
                    catch (HttpRequestException)
                    {
                        waiting = "waiting for the AppHost's control API (building and starting)";
                    }
                }
                status.Status(Markup.Escape(waiting));
                if (context.Services.Time.GetUtcNow() > deadline)
                {
                    throw new CliError($"The lab did not come up within {timeout.TotalSeconds:F0} s ({waiting}).", ExitCodes.Failure,
                        launched is null ? null : $"See {launched.LogFile}.");
                }
                await Task.Delay(TimeSpan.FromSeconds(1), context.Services.Time, cancellationToken);
            }
        });
    }

    private static string Tail(string file) =>
        File.Exists(file) ? string.Join(Environment.NewLine, File.ReadLines(file).TakeLast(20)) : "(no log written)";

    private static void RenderUrls(IAnsiConsole console, DemoReport demo)
    {
        console.Write(new Rule("[bold cyan]The lab is running[/]").LeftJustified().RuleStyle("grey"));
        if (demo.Dashboard is not null)
        {
            console.MarkupLine($"  [bold]{"dashboard",-24}[/] {Markup.Escape(demo.Dashboard)}");
        }
        if (demo.Control is not null)
        {
            console.MarkupLine($"  [bold]{"control API",-24}[/] {Markup.Escape(demo.Control)}");
        }
        foreach (var resource in demo.Resources.Where(r => r.Endpoints is { Count: > 0 }))
        {
            console.MarkupLine($"  [bold]{Markup.Escape(resource.Name),-24}[/] {Markup.Escape(string.Join("  ", resource.Endpoints!))}");
        }
        console.MarkupLine(demo.AppHostPid is { } pid
            ? $"[grey]Left running in the background (AppHost pid {pid}, log {Markup.Escape(demo.LogFile ?? "")}); stop it with: kill {pid}[/]"
            : "[grey]The lab was already running and stays up.[/]");
        console.MarkupLine($"[grey]Demo took {demo.ElapsedSeconds:F0} s. Next: ./scripts/experiment status · ./scripts/experiment whatif cost --set max-num-seqs=64 · ./scripts/test[/]");
    }
}
