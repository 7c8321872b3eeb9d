// `experiment list`: the experiments the lab knows, with their cases and profiles.
using System.CommandLine;
using Lab.Contracts.Experiments;
using Spectre.Console;

namespace Lab.Cli.Commands;

public static class ListCommand
{
    public static Command Create(Func<ParseResult, CliContext> context)
    {
        var command = new Command("list", "Experiments, their cases and profiles.");
        command.SetAction((parse, cancellationToken) => RunAsync(context(parse), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        var lab = await context.ConnectAsync(cancellationToken);
        var experiments = await lab.Orchestrator.ListExperimentsAsync(cancellationToken);
        if (context.Json)
        {
            context.WriteLabJson(experiments);
            return ExitCodes.Success;
        }
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Experiment").AddColumn("Question").AddColumn("Cases").AddColumn("Profiles");
        foreach (var experiment in experiments)
        {
            table.AddRow(
                $"[bold]{Markup.Escape(experiment.Id)}[/]\n[grey]{Markup.Escape(experiment.Title)}[/]",
                Markup.Escape(experiment.Question),
                Markup.Escape(string.Join("\n", experiment.Cases.Select(c => c.Id))),
                Markup.Escape(string.Join("\n", experiment.Profiles.Select(Describe))));
        }
        context.Out.Write(table);
        context.Out.MarkupLine("[grey]Show one with ./scripts/experiment show <experiment>.[/]");
        return ExitCodes.Success;
    }

    private static string Describe(ProfileDefinition profile) => profile.Id;
}
