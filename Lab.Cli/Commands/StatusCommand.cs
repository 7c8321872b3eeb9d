// `experiment status`: the AppHost's resources and each profile target's readiness.
using System.CommandLine;
using Lab.Cli.Connection;
using Lab.Contracts.Orchestration;
using Spectre.Console;

namespace Lab.Cli.Commands;

/// <summary>--json of status: the resources as the control API lists them, readiness per experiment.</summary>
public sealed record StatusReport(string? Control, string? Dashboard, IReadOnlyList<ResourceInfo> Resources, IReadOnlyDictionary<string, IReadOnlyList<TargetReadiness>> Readiness);

public static class StatusCommand
{
    public static Command Create(Func<ParseResult, CliContext> context)
    {
        var command = new Command("status", "The lab's resources (from the AppHost) and whether each profile's target is ready.");
        command.SetAction((parse, cancellationToken) => RunAsync(context(parse), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        var lab = await context.ConnectAsync(cancellationToken);
        IReadOnlyList<ResourceInfo> resources = [];
        if (lab.Address.Control is not null)
        {
            try
            {
                resources = await lab.Control.GetResourcesAsync(cancellationToken);
            }
            catch (HttpRequestException)
            {
                throw CliError.LabNotRunning(lab.Address.Control.ToString());
            }
        }
        else if (!lab.HasOrchestrator)
        {
            throw CliError.LabNotRunning(lab.Where);
        }
        var readiness = new Dictionary<string, IReadOnlyList<TargetReadiness>>();
        if (lab.HasOrchestrator)
        {
            foreach (var experiment in await lab.Orchestrator.ListExperimentsAsync(cancellationToken))
            {
                readiness[experiment.Id] = await lab.Orchestrator.GetReadinessAsync(experiment.Id, cancellationToken);
            }
        }
        var report = new StatusReport(lab.Address.Control?.ToString(), lab.Address.Dashboard, resources, readiness);
        if (context.Json)
        {
            context.WriteJson(report, CliJsonContext.Default.StatusReport);
        }
        else
        {
            Render(context.Out, report);
        }
        return resources.All(r => r.IsUp) && readiness.Values.All(list => list.All(t => t.Ready)) ? ExitCodes.Success : ExitCodes.Failure;
    }

    public static Table ResourcesTable(IReadOnlyList<ResourceInfo> resources)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Resource").AddColumn("Type").AddColumn("State").AddColumn("Health").AddColumn(new TableColumn("Replicas").RightAligned()).AddColumn("Endpoints");
        foreach (var resource in resources)
        {
            var state = resource.IsUp ? $"[green]{resource.State}[/]" : resource.HasFailed ? $"[red]{resource.State}[/]" : $"[yellow]{resource.State}[/]";
            table.AddRow(
                Markup.Escape(resource.Name),
                Markup.Escape(resource.Type ?? ""),
                state,
                Markup.Escape(resource.Health ?? "—"),
                resource.Replicas?.ToString() ?? "1",
                Markup.Escape(string.Join("\n", resource.Endpoints ?? [])));
        }
        return table;
    }

    private static void Render(IAnsiConsole console, StatusReport report)
    {
        if (report.Control is not null)
        {
            console.MarkupLine($"AppHost control API: {Markup.Escape(report.Control)}");
            if (report.Dashboard is not null)
            {
                console.MarkupLine($"Dashboard: {Markup.Escape(report.Dashboard)}");
            }
            console.Write(ResourcesTable(report.Resources));
        }
        foreach (var (experiment, targets) in report.Readiness)
        {
            var table = new Table().Border(TableBorder.Rounded).Title($"Targets of {Markup.Escape(experiment)}")
                .AddColumn("Profile").AddColumn("Target").AddColumn("Ready").AddColumn("Checks").AddColumn("Reason");
            foreach (var target in targets)
            {
                var checks = $"{Check(target.Reachable)} reachable  {Check(target.Healthy)} /health  {Check(target.ModelListed)} model listed  {Check(target.WarmupSucceeded)} warm-up";
                table.AddRow(
                    Markup.Escape(target.Profile),
                    Markup.Escape(target.Target),
                    target.Ready ? "[green]ready[/]" : "[red]not ready[/]",
                    checks,
                    Markup.Escape(target.Reason ?? ""));
            }
            console.Write(table);
        }
    }

    private static string Check(bool ok) => ok ? "[green]✓[/]" : "[red]✗[/]";
}
