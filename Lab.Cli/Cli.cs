// The command line: the command tree, one place turning errors into messages and exit codes.
using System.CommandLine;
using Lab.Cli.Commands;
using Lab.Cli.Connection;
using Refit;
using Spectre.Console;

namespace Lab.Cli;

public static class Cli
{
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, CliServices? services = null, CancellationToken cancellationToken = default)
    {
        services ??= new CliServices();
        var globals = new GlobalOptions();
        var contexts = new List<CliContext>();
        var root = BuildCommands(globals, parse => Remember(contexts, new CliContext(console, services, parse, globals)));
        var parse = root.Parse(args);
        var error = services.ErrorConsole ?? console;
        var json = parse.GetValue(globals.Json);
        if (parse.Errors.Count > 0)
        {
            var command = parse.CommandResult.Command;
            var help = command == root ? "experiment --help" : $"experiment {command.Name} --help";
            return Report(error, json, new CliError(string.Join(Environment.NewLine, parse.Errors.Select(e => e.Message)), ExitCodes.Usage, $"See {help}."));
        }

        var configuration = new InvocationConfiguration
        {
            Output = console.Profile.Out.Writer,
            Error = error.Profile.Out.Writer,
            EnableDefaultExceptionHandler = false,
            // run and matrix handle Ctrl+C themselves (they ask before cancelling the run).
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken);
        }
        catch (CliError e)
        {
            return Report(error, json, e);
        }
        catch (Exception e) when (LabErrors.IsUnreachable(e, out var where))
        {
            return Report(error, json, CliError.LabNotRunning(where.Contains("://", StringComparison.Ordinal) ? where : contexts.LastOrDefault()?.Connection?.Where ?? where));
        }
        catch (ApiException e)
        {
            return Report(error, json, LabErrors.FromApi(e));
        }
        catch (ApiRequestException e)
        {
            return Report(error, json, new CliError($"The request to {e.RequestMessage?.RequestUri} failed: {e.InnerException?.Message ?? e.Message}"));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
        finally
        {
            foreach (var context in contexts)
            {
                context.Dispose();
            }
        }
    }

    private static CliContext Remember(List<CliContext> contexts, CliContext context)
    {
        contexts.Add(context);
        return context;
    }

    private static RootCommand BuildCommands(GlobalOptions globals, Func<ParseResult, CliContext> Context)
    {
        var root = new RootCommand(
            "The GPU Inference Decision Lab from the terminal: which serving setup gives the most successful work per dollar within the SLO?")
        {
            ListCommand.Create(Context),
            ShowCommand.Create(Context),
            RunCommand.Create(Context),
            MatrixCommand.Create(Context),
            WhatIfCommand.Create(Context),
            PlanCommand.Create(Context),
            ExportCommand.Create(Context),
            StatusCommand.Create(Context),
            DemoCommand.Create(Context),
        };
        foreach (var option in globals.All)
        {
            root.Options.Add(option);
        }
        return root;
    }

    private static int Report(IAnsiConsole error, bool json, CliError e)
    {
        if (json)
        {
            error.Profile.Out.Writer.WriteLine(System.Text.Json.JsonSerializer.Serialize(
                new CliErrorOutput(e.Message, e.Hint, e.ExitCode), CliJsonContext.Default.CliErrorOutput));
            return e.ExitCode;
        }
        error.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
        if (e.Hint is not null)
        {
            error.MarkupLine($"[grey]{Markup.Escape(e.Hint)}[/]");
        }
        return e.ExitCode;
    }
}

/// <summary>Options every command takes: output form and where the lab is.</summary>
public sealed class GlobalOptions
{
    public Option<bool> Json { get; } = new("--json") { Description = "Machine-readable JSON on stdout (nothing else there).", Recursive = true };
    public Option<string?> Api { get; } = new("--api") { Description = "The orchestrator's URL (default: from .lab/apphost.json).", Recursive = true };
    public Option<string?> CostApi { get; } = new("--cost-api") { Description = "CostApi's URL (default: from .lab/apphost.json).", Recursive = true };
    public Option<string?> Control { get; } = new("--control") { Description = "The AppHost control API's URL (default: from .lab/apphost.json).", Recursive = true };
    public Option<string?> ApiKey { get; } = new("--api-key") { Description = "The lab's API key for writes (default: LAB_API_KEY, then .lab/parameters.json).", Recursive = true };

    public IEnumerable<Option> All => [Json, Api, CostApi, Control, ApiKey];
}
