// `experiment export <experiment> --format json|csv`: the report as a file (or on stdout) for scripts and `show --from`.
using System.CommandLine;
using Spectre.Console;

namespace Lab.Cli.Commands;

/// <summary>What --json prints when the export went to a file.</summary>
public sealed record ExportResult(string Experiment, string Format, string File, long Bytes);

public static class ExportCommand
{
    public static Command Create(Func<ParseResult, CliContext> context)
    {
        var experiment = new Argument<string>("experiment") { Description = "The experiment id, e.g. cost." };
        var format = new Option<string>("--format", "-f") { Description = "json (an ExperimentReport, readable by show --from) or csv (one row per cell).", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "csv");
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write to this file instead of stdout." };
        var command = new Command("export", "Export an experiment's report as JSON or CSV.") { experiment, format, output };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(context(parse), parse.GetValue(experiment)!, parse.GetValue(format)!, parse.GetValue(output), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string experiment, string format, FileInfo? output, CancellationToken cancellationToken)
    {
        var lab = await context.ConnectAsync(cancellationToken);
        var definition = await Definitions.GetAsync(lab, experiment, cancellationToken);
        string content;
        if (format == "csv")
        {
            using var response = await lab.Costs.ExportReportCsvAsync(definition.Id, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new CliError($"CostApi answered {(int)response.StatusCode} {response.ReasonPhrase} for the CSV report of '{definition.Id}'.");
            }
            content = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        else
        {
            content = CliContext.SerializeLabJson(await lab.Costs.GetReportAsync(definition.Id, cancellationToken)) + Environment.NewLine;
        }

        if (output is null)
        {
            // The export itself is the machine-readable output, with or without --json.
            context.Out.Profile.Out.Writer.Write(content);
            return ExitCodes.Success;
        }
        output.Directory?.Create();
        await File.WriteAllTextAsync(output.FullName, content, cancellationToken);
        var result = new ExportResult(definition.Id, format, output.FullName, new FileInfo(output.FullName).Length);
        if (context.Json)
        {
            context.WriteJson(result, CliJsonContext.Default.ExportResult);
        }
        else
        {
            context.Out.MarkupLine($"Wrote the {format} report of [bold]{Markup.Escape(definition.Id)}[/] to {Markup.Escape(output.FullName)} ({result.Bytes} bytes).");
        }
        return ExitCodes.Success;
    }
}
