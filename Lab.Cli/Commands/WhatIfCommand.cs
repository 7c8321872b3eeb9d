// `experiment whatif <experiment>`: the GPU twin's answer in virtual time, beside the measured cells when they exist.
using System.CommandLine;
using System.Diagnostics;
using Lab.Cli.Connection;
using Lab.Cli.Rendering;
using Lab.Cli.WhatIf;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Spectre.Console;

namespace Lab.Cli.Commands;

public static class WhatIfCommand
{
    public const long DefaultSeed = 42;

    public static Command Create(Func<ParseResult, CliContext> context)
    {
        var experiment = new Argument<string>("experiment") { Description = "The experiment id, e.g. cost." };
        var cases = new Option<string[]>("--case", "-c") { Description = "Only these cases (repeatable; default: all)." };
        var profiles = new Option<string[]>("--profile", "-p") { Description = "Only these profiles (repeatable; default: all)." };
        var sets = new Option<string[]>("--set") { Description = "Change a vLLM server argument, e.g. --set max-num-seqs=64 (repeatable)." };
        var replicas = new Option<int?>("--replicas", "-r") { Description = "Replicas of every profile (default: each profile's own)." };
        replicas.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } n && (n < 1 || n > 1024))
            {
                r.AddError($"--replicas must be between 1 and 1024, not {n}.");
            }
        });
        var seed = new Option<long>("--seed") { Description = "Seed of the arrival processes.", DefaultValueFactory = _ => DefaultSeed };
        var scale = RunCommand.ScaleOption();
        var price = new Option<decimal?>("--price") { Description = "USD per GPU-hour for the estimate (default: the lab's price for each profile's GPU)." };
        price.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<decimal?>() is { } usd && usd <= 0)
            {
                r.AddError($"--price is USD per GPU-hour and must be above 0, not {usd}.");
            }
        });
        var command = new Command("whatif", "Predict cells from the GPU twin in virtual time (no load, no lab needed), beside measured ones.")
        {
            experiment, cases, profiles, sets, replicas, seed, scale, price,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            context(parse),
            new Question(parse.GetValue(experiment)!, parse.GetValue(cases) ?? [], parse.GetValue(profiles) ?? [], parse.GetValue(sets) ?? [],
                parse.GetValue(replicas), parse.GetValue(seed), parse.GetValue(scale) ?? 1, parse.GetValue(price)),
            cancellationToken));
        return command;
    }

    private sealed record Question(string Experiment, string[] Cases, string[] Profiles, string[] Sets, int? Replicas, long Seed, double Scale, decimal? Price);

    private static async Task<int> RunAsync(CliContext context, Question question, CancellationToken cancellationToken)
    {
        var engine = context.Services.WhatIfEngine ?? throw new CliError(
            "This build of the CLI has no GPU twin engine wired in, so it cannot answer what-if questions.",
            ExitCodes.Failure,
            "The engine comes from Lab.ServingSim.Engine; rebuild from a tree where it is present.");
        var overrides = ServerArgOverrides.Parse(question.Sets, engine.ServerArgs);
        var sources = await SourcesAsync(context, question.Experiment, cancellationToken);
        var experiment = sources.Experiment;
        if (question.Price is { } usd)
        {
            // One price for every profile: keyed by each price reference so the planner finds it.
            var asOf = DateOnly.FromDateTime(context.Services.Time.GetUtcNow().UtcDateTime);
            sources = sources with
            {
                Prices = experiment.Profiles.Select(p => p.PriceRef).Distinct()
                    .Select(reference => new GpuPrice(reference, usd, "--price on the command line", asOf)).ToList(),
            };
        }
        var selectedCases = Definitions.Cases(experiment, question.Cases);
        var selectedProfiles = Definitions.Profiles(experiment, question.Profiles);

        var clock = Stopwatch.StartNew();
        var cells = WhatIfPlanner.Plan(engine, experiment, selectedCases, selectedProfiles, overrides, question.Replicas,
            question.Seed, question.Scale, sources.ExperimentsDirectory, sources.Prices, sources.Measured, cancellationToken);
        var report = new WhatIfReport(experiment.Id, sources.Origin, overrides, question.Replicas, question.Seed, question.Scale,
            sources.Prices, cells, clock.Elapsed.TotalMilliseconds);
        if (context.Json)
        {
            context.WriteJson(report, CliJsonContext.Default.WhatIfReport);
        }
        else
        {
            Render(context.Out, experiment, report, sources);
        }
        return ExitCodes.Success;
    }

    /// <summary>ExperimentsDirectory resolves relative trace files, as the orchestrator resolves them for a live run.</summary>
    internal sealed record Sources(ExperimentDefinition Experiment, IReadOnlyList<GpuPrice> Prices, ExperimentMatrix? Measured, string Origin,
        string? ExperimentsDirectory);

    /// <summary>The definition, prices and measured matrix from the running lab; the repository's files when it is not up.</summary>
    internal static async Task<Sources> SourcesAsync(CliContext context, string id, CancellationToken cancellationToken)
    {
        var lab = await context.ConnectAsync(cancellationToken);
        if (lab.HasOrchestrator)
        {
            try
            {
                var experiment = await Definitions.GetAsync(lab, id, cancellationToken);
                var prices = await lab.Costs.ListPricesAsync(cancellationToken);
                var measured = await lab.Costs.GetMatrixAsync(experiment.Id, cancellationToken);
                return new Sources(experiment, prices, measured, $"lab at {lab.Address.Orchestrator}", LocalExperimentsDirectory(context));
            }
            catch (Exception e) when (LabErrors.IsUnreachable(e, out _) && context.Services.LocalExperiments is not null)
            {
                // A stale .lab/apphost.json: the lab has stopped; the files still answer.
            }
        }
        var local = context.Services.LocalExperiments ?? throw CliError.LabNotRunning(lab.Where);
        var root = LabState.FindRepositoryRoot(context.Services.WorkingDirectory)
            ?? throw new CliError("The lab is not running and no Lab.sln was found here or above to read experiments/*.yaml from.",
                ExitCodes.Failure, "Run this inside the repository, or start the lab with ./scripts/lab.");
        var all = local.LoadExperiments(root);
        // Prices live in CostApi's ledger; without the lab, --price supplies one.
        return new Sources(Definitions.Find(all, id), [], null, $"files in {Path.Combine(root, "experiments")}", Path.Combine(root, "experiments"));
    }

    /// <summary>The lab's orchestrator reads the repository's experiments/ (the AppHost's default), so its trace files are there.</summary>
    internal static string? LocalExperimentsDirectory(CliContext context) =>
        LabState.FindRepositoryRoot(context.Services.WorkingDirectory) is { } root ? Path.Combine(root, "experiments") : null;

    private static void Render(IAnsiConsole console, ExperimentDefinition experiment, WhatIfReport report, Sources sources)
    {
        var cases = Format.ShortNames(experiment.Cases.Select(c => c.Id));
        var profiles = Format.ShortNames(experiment.Profiles.Select(p => p.Id));
        console.Write(new Rule($"[bold]What if · {Markup.Escape(experiment.Title)}[/]").LeftJustified());
        var changes = report.Overrides.Count == 0 && report.Replicas is null
            ? "the profiles as defined"
            : string.Join(" ", report.Overrides.Select(o => $"--{o.Key} {o.Value}").Concat(report.Replicas is { } r ? [$"{r} replica(s)"] : []));
        console.MarkupLine($"GPU twin in virtual time, {Markup.Escape(changes)}; seed {report.Seed}, scale {Format.Number(report.Scale)}; " +
            $"simulated in {report.SimulationMilliseconds:F0} ms. Definitions from {Markup.Escape(sources.Origin)}.");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Cell").AddColumn("")
            .AddColumn(new TableColumn("Successful / dropped").RightAligned())
            .AddColumn(new TableColumn("p95 latency").RightAligned())
            .AddColumn(new TableColumn("Cost / 1K successful").RightAligned())
            .AddColumn(new TableColumn("Cost / 1M tokens").RightAligned())
            .AddColumn("SLO");
        foreach (var cell in report.Cells)
        {
            var label = $"{Markup.Escape(cases[cell.Case])} {Markup.Escape(profiles[cell.Profile])}";
            AddRow(table, label, "[blue]predicted[/]", cell.Predicted);
            if (cell.Measured is { } measured)
            {
                AddRow(table, "", "[grey]measured[/]", measured);
            }
        }
        console.Write(table);
        if (report.Prices.Count == 0)
        {
            console.MarkupLine("[yellow]No GPU price (prices live in the lab's CostApi): pass --price <usd per GPU-hour>, e.g. --price 2.99, to estimate costs.[/]");
        }
        console.MarkupLine($"[grey]SLO: {Markup.Escape(Format.Slo(experiment.Slo))}. The twin is calibrated to ±20–30 % of real servers: trust the shape, confirm the numbers with a run.[/]");
        console.MarkupLine($"[grey]{Markup.Escape(experiment.EvidenceBoundary)}[/]");
    }

    private static void AddRow(Table table, string label, string kind, WhatIfFigures figures) => table.AddRow(
        label,
        kind,
        $"{figures.Successful} / {figures.Dropped}",
        Format.Seconds(figures.P95LatencySeconds),
        Format.Usd(figures.CostPer1KSuccessfulUsd),
        Format.Usd(figures.CostPer1MTokensUsd, 4),
        Format.SloMarkup(figures.Slo));
}
