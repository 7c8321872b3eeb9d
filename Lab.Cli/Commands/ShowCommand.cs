// `experiment show <experiment>`: the experiment's card, from the running lab or from an exported report file.
using System.CommandLine;
using System.Text.Json;
using Lab.Cli.Rendering;
using Lab.Contracts;
using Lab.Contracts.Costs;

namespace Lab.Cli.Commands;

public static class ShowCommand
{
    public static Command Create(Func<ParseResult, CliContext> context)
    {
        var experiment = new Argument<string?>("experiment") { Description = "The experiment id, e.g. cost.", Arity = ArgumentArity.ZeroOrOne };
        var from = new Option<FileInfo?>("--from") { Description = "Render an exported report (experiment export --format json) with no lab running." };
        var command = new Command("show", "The experiment's card: question, useful-work cost matrix, findings, evidence boundary, decisions.")
        {
            experiment,
            from,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(experiment) is null && result.GetValue(from) is null)
            {
                result.AddError("Name an experiment (show cost) or a report file (show --from report.json).");
            }
        });
        command.SetAction((parse, cancellationToken) =>
            RunAsync(context(parse), parse.GetValue(experiment), parse.GetValue(from), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string? experiment, FileInfo? from, CancellationToken cancellationToken)
    {
        var report = from is null
            ? await FromLabAsync(context, experiment!, cancellationToken)
            : await FromFileAsync(from, experiment, cancellationToken);
        if (context.Json)
        {
            context.WriteLabJson(report);
        }
        else
        {
            ExperimentCard.Render(context.Out, report);
        }
        return ExitCodes.Success;
    }

    public static async Task<ExperimentReport> FromLabAsync(CliContext context, string experiment, CancellationToken cancellationToken)
    {
        var lab = await context.ConnectAsync(cancellationToken);
        var definition = await Definitions.GetAsync(lab, experiment, cancellationToken);
        return await lab.Costs.GetReportAsync(definition.Id, cancellationToken);
    }

    public static async Task<ExperimentReport> FromFileAsync(FileInfo file, string? experiment, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw CliError.Usage($"No report file at {file.FullName}.", "Write one with ./scripts/experiment export <experiment> --format json --out report.json.");
        }
        ExperimentReport? report;
        try
        {
            await using var stream = file.OpenRead();
            report = await JsonSerializer.DeserializeAsync(stream, LabJsonContext.Default.ExperimentReport, cancellationToken);
        }
        catch (JsonException e)
        {
            throw CliError.Usage($"{file.Name} is not an exported experiment report: {e.Message}",
                "Reports come from ./scripts/experiment export <experiment> --format json.");
        }
        if (report?.Experiment is null || report.Matrix is null)
        {
            throw CliError.Usage($"{file.Name} is not an exported experiment report (it has no experiment and matrix).");
        }
        if (experiment is not null && !string.Equals(experiment, report.Experiment.Id, StringComparison.OrdinalIgnoreCase))
        {
            throw CliError.Usage($"{file.Name} holds the report of experiment '{report.Experiment.Id}', not '{experiment}'.");
        }
        return report;
    }
}
