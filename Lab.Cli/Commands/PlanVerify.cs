// `plan --verify`: each case's written pick (profile planned-<case>) run live through the orchestrator, an ordinary run
// in the ledger, beside the twin's prediction for the same schedule (case, scale, seed) with each figure's relative error.
using Lab.Cli.Rendering;
using Lab.Cli.WhatIf;
using Lab.Contracts.Costs;
using Lab.Contracts.Orchestration;
using Lab.Evidence;
using Lab.ServingSim.Planner;
using Spectre.Console;

namespace Lab.Cli.Commands;

/// <summary>One figure predicted and measured; the error is (measured − predicted) ÷ predicted, null when either is missing or 0.</summary>
public sealed record VerifiedFigure(string Name, double? Predicted, double? Measured, double? RelativeError, string Unit);

public sealed record VerifiedCase(
    string Case,
    string Profile,
    Guid RunId,
    RunStatus Status,
    string? Reason,
    WhatIfFigures Predicted,
    WhatIfFigures? Measured,
    IReadOnlyList<VerifiedFigure> Figures);

public sealed record VerifyReport(string Experiment, long Seed, double Scale, IReadOnlyList<VerifiedCase> Cases);

public static class PlanVerify
{
    public static async Task<int> RunAsync(CliContext context, string experimentId, IReadOnlyList<string> caseIds, long seed, double scale,
        string? target, CancellationToken cancellationToken)
    {
        var engine = context.Services.WhatIfEngine ?? throw new CliError(
            "This build of the CLI has no GPU twin engine wired in, so it cannot predict the planned profile.", ExitCodes.Failure);
        var lab = await context.ConnectAsync(cancellationToken);
        if (!lab.HasOrchestrator)
        {
            throw CliError.LabNotRunning(lab.Where);
        }
        var experiment = await Definitions.GetAsync(lab, experimentId, cancellationToken);
        var cases = Definitions.Cases(experiment, caseIds);
        var prices = await lab.Costs.ListPricesAsync(cancellationToken);
        var verified = new List<VerifiedCase>();
        foreach (var workload in cases)
        {
            var id = PlannedProfileWriter.ProfileId(workload.Id);
            var profile = experiment.Profiles.FirstOrDefault(p => p.Id == id) ?? throw new CliError(
                $"The lab's experiment {experiment.Id} has no profile {id} (its profiles: {string.Join(", ", experiment.Profiles.Select(p => p.Id))}).",
                ExitCodes.Failure,
                $"Write it with ./scripts/experiment plan {experiment.Id} --case {workload.Id} --write, restart the lab so it serves it, then --verify again.");
            var schedule = RunSchedule.Plan(workload, scale, seed, WhatIfCommand.LocalExperimentsDirectory(context));
            var simulated = engine.Simulate(workload, profile, schedule, cancellationToken);
            var predicted = WhatIfPlanner.Figures(WhatIfPlanner.Summarise(simulated.Records, simulated.T0, schedule.Scaling, workload, profile,
                experiment, TwinSetups.PriceFor(profile, prices)));

            var started = await lab.Orchestrator.StartRunAsync(new StartRunRequest(experiment.Id, workload.Id, id, target, seed, scale), cancellationToken);
            if (!context.Json)
            {
                context.Out.MarkupLine($"Verifying [bold]{Markup.Escape(id)}[/]: run {started.RunId} → {Markup.Escape(started.Target)} ({started.Scheduled} requests scheduled).");
            }
            var final = await RunCommand.WatchAsync(context, lab.Orchestrator, started, cancellationToken);
            var measured = final.Summary is { } summary ? WhatIfPlanner.Figures(summary) : null;
            verified.Add(new VerifiedCase(workload.Id, id, final.RunId, final.Status, final.Reason, predicted, measured, Compare(predicted, measured)));
        }
        var report = new VerifyReport(experiment.Id, seed, scale, verified);
        if (context.Json)
        {
            context.WriteJson(report, CliJsonContext.Default.VerifyReport);
        }
        else
        {
            Render(context.Out, report);
        }
        return verified.All(v => v.Status == RunStatus.Completed) ? ExitCodes.Success : ExitCodes.Failure;
    }

    public static IReadOnlyList<VerifiedFigure> Compare(WhatIfFigures predicted, WhatIfFigures? measured)
    {
        VerifiedFigure Figure(string name, double? p, double? m, string unit) =>
            new(name, p, m, p is { } a && m is { } b && a != 0 ? (b - a) / a : null, unit);
        return
        [
            Figure("successful", predicted.Successful, measured?.Successful, "requests"),
            Figure("dropped", predicted.Dropped, measured?.Dropped, "requests"),
            Figure("p95_latency", predicted.P95LatencySeconds, measured?.P95LatencySeconds, "s"),
            Figure("p99_latency", predicted.P99LatencySeconds, measured?.P99LatencySeconds, "s"),
            Figure("run_cost", (double?)predicted.RunCostUsd, (double?)measured?.RunCostUsd, "USD"),
            Figure("cost_per_1k_successful", (double?)predicted.CostPer1KSuccessfulUsd, (double?)measured?.CostPer1KSuccessfulUsd, "USD"),
            Figure("cost_per_1m_tokens", (double?)predicted.CostPer1MTokensUsd, (double?)measured?.CostPer1MTokensUsd, "USD"),
        ];
    }

    private static void Render(IAnsiConsole console, VerifyReport report)
    {
        foreach (var verified in report.Cases)
        {
            console.Write(new Rule($"[bold]Verify · {Markup.Escape(verified.Profile)}[/]").LeftJustified());
            console.MarkupLine($"Run {verified.RunId} {Format.StatusMarkup(verified.Status)}" + (verified.Reason is null ? "" : $": {Markup.Escape(verified.Reason)}") +
                $" · seed {report.Seed}, scale {Format.Number(report.Scale)}");
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("Figure")
                .AddColumn(new TableColumn("Predicted (twin)").RightAligned())
                .AddColumn(new TableColumn("Measured (run)").RightAligned())
                .AddColumn(new TableColumn("Relative error").RightAligned());
            foreach (var figure in verified.Figures)
            {
                table.AddRow(figure.Name, Value(figure, figure.Predicted), Value(figure, figure.Measured),
                    figure.RelativeError is { } e ? $"{e * 100:+0.0;-0.0;0.0} %" : "—");
            }
            table.AddRow("slo", Format.SloMarkup(verified.Predicted.Slo), verified.Measured is { } m ? Format.SloMarkup(m.Slo) : "—", "");
            console.Write(table);
            if (verified.Measured is { } measured && !measured.SloPassed)
            {
                console.MarkupLine($"[red]The planned setup missed the SLO live:[/] {Markup.Escape(Format.FailingTerms(measured.Slo))}. The twin's calibration is off for this setup; see docs/benchmarks/planner.md.");
            }
        }
    }

    private static string Value(VerifiedFigure figure, double? value) => value is not { } v ? "—" : figure.Unit switch
    {
        "USD" => Format.Usd((decimal)v),
        "s" => Format.Seconds(v),
        _ => Format.Number(v),
    };
}
