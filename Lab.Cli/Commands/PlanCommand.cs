// `experiment plan <experiment>`: for each case, the cheapest serving setup that meets the experiment's SLO, searched on
// the GPU twin in virtual time (Lab.ServingSim.Planner), beside the experiment's own profiles predicted the same way.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Lab.Cli.Rendering;
using Lab.Cli.WhatIf;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Lab.Evidence;
using Lab.ServingSim.Engine.Hardware;
using Lab.ServingSim.Planner;
using Spectre.Console;

namespace Lab.Cli.Commands;

/// <summary>What --json prints: every case's plan, with its whole frontier and the search's counts.</summary>
public sealed record PlanReport(
    string Experiment,
    string DefinitionSource,
    long Seed,
    double Scale,
    int MaxReplicas,
    IReadOnlyList<string> Gpus,
    IReadOnlyList<GpuPrice> Prices,
    SloDefinition Slo,
    IReadOnlyList<CasePlan> Cases,
    long SetupsInSpace,
    int SetupsSimulated,
    double ElapsedMilliseconds,
    string? Written = null);

public static class PlanCommand
{
    public const int DefaultMaxReplicas = 8;

    public static Command Create(Func<ParseResult, CliContext> context)
    {
        var experiment = new Argument<string>("experiment") { Description = "The experiment id, e.g. cost." };
        var cases = new Option<string[]>("--case", "-c") { Description = "Only these cases (repeatable; default: all)." };
        var gpus = new Option<string?>("--gpus") { Description = "GPU types to consider, comma-separated (default: every GPU the hardware profiles calibrate for the experiment's model)." };
        var maxReplicas = new Option<int>("--max-replicas") { Description = $"Most replicas to consider, 1-{PlanSpace.ReplicaLimit}.", DefaultValueFactory = _ => DefaultMaxReplicas };
        maxReplicas.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is var n && n is < 1 or > PlanSpace.ReplicaLimit)
            {
                r.AddError($"--max-replicas must be between 1 and {PlanSpace.ReplicaLimit}, not {n}.");
            }
        });
        var seed = new Option<long>("--seed") { Description = "Seed of the arrival processes (the live run's default).", DefaultValueFactory = _ => WhatIfCommand.DefaultSeed };
        var scale = RunCommand.ScaleOption();
        var prices = new Option<string[]>("--price") { Description = "USD per GPU-hour for a GPU type, e.g. --price H100-SXM-80GB=2.99 (repeatable; default: the lab's CostApi prices)." };
        var write = new Option<bool>("--write") { Description = "Add each case's pick to the experiment file as profile planned-<case> (comments kept; nothing written unless every case has a pick and the file stays valid)." };
        var verify = new Option<bool>("--verify") { Description = "Run each case's planned-<case> profile live through the orchestrator and print predicted beside measured." };
        var target = new Option<string?>("--target") { Description = "With --verify: the serving endpoint's URL (default: the profile's target)." };
        var command = new Command("plan", "Find, per case, the cheapest serving setup that meets the SLO, on the GPU twin in virtual time.")
        {
            experiment, cases, gpus, maxReplicas, seed, scale, prices, write, verify, target,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var question = new Question(parse.GetValue(experiment)!, parse.GetValue(cases) ?? [], parse.GetValue(gpus), parse.GetValue(maxReplicas),
                parse.GetValue(seed), parse.GetValue(scale) ?? 1, parse.GetValue(prices) ?? []);
            if (parse.GetValue(write) && parse.GetValue(verify))
            {
                throw CliError.Usage("--write and --verify cannot be combined: the lab serves a written profile only after it restarts.",
                    "Run plan --write, restart the lab (stop the AppHost, then ./scripts/lab) so it starts the planned profile's twin, then plan --verify.");
            }
            if (parse.GetValue(target) is not null && !parse.GetValue(verify))
            {
                throw CliError.Usage("--target only applies to --verify (the live run).");
            }
            return parse.GetValue(verify)
                ? PlanVerify.RunAsync(context(parse), question.Experiment, question.Cases, question.Seed, question.Scale, parse.GetValue(target), cancellationToken)
                : RunAsync(context(parse), question, parse.GetValue(write), cancellationToken);
        });
        return command;
    }

    private sealed record Question(string Experiment, string[] Cases, string? Gpus, int MaxReplicas, long Seed, double Scale, string[] Prices);

    private static async Task<int> RunAsync(CliContext context, Question question, bool write, CancellationToken cancellationToken)
    {
        var explicitPrices = ParsePrices(question.Prices, context.Services.Time.GetUtcNow());
        var sources = await WhatIfCommand.SourcesAsync(context, question.Experiment, cancellationToken);
        var experiment = sources.Experiment;
        var selectedCases = Definitions.Cases(experiment, question.Cases);
        var hardware = Hardware(HardwareProfiles.Default, experiment, question.Gpus);
        // A price given on the command line wins over the lab's for that GPU.
        var priceList = explicitPrices
            .Concat(sources.Prices.Where(p => !explicitPrices.Any(e => string.Equals(e.Gpu, p.Gpu, StringComparison.OrdinalIgnoreCase))))
            .ToList();
        var unpriced = hardware.Select(h => h.Gpu).Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(g => !priceList.Any(p => string.Equals(p.Gpu, g, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unpriced.Count > 0)
        {
            throw CliError.Usage(
                $"No price for {string.Join(", ", unpriced)}: the planner minimises cost, so every GPU it considers needs one.",
                sources.Prices.Count == 0
                    ? $"Start the lab (its CostApi holds the prices) or pass --price {unpriced[0]}=<usd per GPU-hour>, e.g. --price {unpriced[0]}=2.99."
                    : $"Add it to CostApi's prices, pass --price {unpriced[0]}=<usd per GPU-hour>, or leave it out with --gpus.");
        }

        var clock = Stopwatch.StartNew();
        var plans = new List<CasePlan>();
        var space = PlanSpace.Default(question.MaxReplicas);
        foreach (var workload in selectedCases)
        {
            var request = new PlanRequest(experiment, workload, hardware, priceList, space, question.Seed, question.Scale, sources.ExperimentsDirectory);
            try
            {
                plans.Add(context.Json
                    ? SetupPlanner.Plan(request, null, cancellationToken)
                    : await PlanWithProgressAsync(context, request, cancellationToken));
            }
            catch (ArgumentException e)
            {
                throw CliError.Usage($"Case {workload.Id}: {e.Message}");
            }
        }
        var report = new PlanReport(experiment.Id, sources.Origin, question.Seed, question.Scale, question.MaxReplicas,
            hardware.Select(h => h.Gpu).Distinct().ToList(), priceList, experiment.Slo, plans,
            plans.Sum(p => p.Counts.Space), plans.Sum(p => p.Counts.Simulated), clock.Elapsed.TotalMilliseconds);
        if (write)
        {
            report = report with { Written = WritePlans(context, sources, report) };
        }
        if (context.Json)
        {
            context.WriteJson(report, CliJsonContext.Default.PlanReport);
        }
        else
        {
            Render(context.Out, experiment, report);
            if (report.Written is { } file)
            {
                context.Out.MarkupLine($"Wrote {Markup.Escape(string.Join(", ", report.Cases.Select(c => PlannedProfileWriter.ProfileId(c.Case))))} to {Markup.Escape(file)}. " +
                    "Restart the lab so the AppHost serves it, then confirm it live: " +
                    Markup.Escape($"./scripts/experiment plan {report.Experiment} {string.Join(" ", report.Cases.Select(c => $"--case {c.Case}"))} --verify"));
            }
        }
        return ExitCodes.Success;
    }

    /// <summary>Every case's pick into the experiment file, or nothing when a case has none; returns the file written.</summary>
    private static string WritePlans(CliContext context, WhatIfCommand.Sources sources, PlanReport report)
    {
        if (report.Cases.FirstOrDefault(c => c.Pick is null) is { } failing)
        {
            throw new CliError($"Case {failing.Case} has no setup that meets the SLO within the space, so nothing was written.",
                ExitCodes.Failure, "Widen the space (--max-replicas, --gpus) or plan only the cases that have a pick (--case).");
        }
        var directory = sources.ExperimentsDirectory
            ?? throw new CliError("No experiments/ folder was found here or above to write to.", ExitCodes.Failure, "Run plan --write inside the repository.");
        var path = PlannedProfileWriter.FindFile(directory, report.Experiment);
        foreach (var plan in report.Cases)
        {
            PlannedProfileWriter.Write(path, plan, report, context.Services.Time.GetUtcNow());
        }
        return path;
    }

    private static async Task<CasePlan> PlanWithProgressAsync(CliContext context, PlanRequest request, CancellationToken cancellationToken)
    {
        if (!context.Out.Profile.Capabilities.Interactive)
        {
            return SetupPlanner.Plan(request, null, cancellationToken);
        }
        CasePlan? plan = null;
        await context.Out.Progress().AutoClear(true).StartAsync(async progress =>
        {
            var task = progress.AddTask($"Planning {Markup.Escape(request.Case.Id)}", maxValue: request.Hardware.Count * request.Space.SetupsPerHardware);
            var reporter = new Progress<PlanProgress>(p => task.Value = p.Done);
            plan = await Task.Run(() => SetupPlanner.Plan(request, reporter, cancellationToken), cancellationToken);
        });
        return plan!;
    }

    /// <summary>
    /// The hardware entries the search covers: every entry calibrated for the experiment's model(s), on the GPUs named by
    /// --gpus (all when absent). A GPU the table does not know, or knows without this model, is a usage error.
    /// </summary>
    public static IReadOnlyList<HardwareProfile> Hardware(HardwareProfiles table, ExperimentDefinition experiment, string? gpus)
    {
        var models = experiment.Profiles.Select(p => p.Model).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (models.Count == 0)
        {
            throw CliError.Usage($"Experiment {experiment.Id} has no profiles, so it names no model to plan for.");
        }
        var forModel = models.SelectMany(table.ForModel).Distinct().ToList();
        if (forModel.Count == 0)
        {
            throw new CliError($"The twin has no calibration for {string.Join(", ", models)}; calibrated models: {string.Join(", ", table.Entries.Select(e => e.Model).Distinct())}.",
                ExitCodes.Failure, "The twin is calibrated per GPU × model in Lab.ServingSim.Engine/Data/hardware-profiles.json.");
        }
        if (string.IsNullOrWhiteSpace(gpus))
        {
            return forModel;
        }
        var chosen = new List<HardwareProfile>();
        foreach (var gpu in gpus.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!table.Gpus.Contains(gpu, StringComparer.OrdinalIgnoreCase))
            {
                throw CliError.UnknownName("GPU", gpu, table.Gpus);
            }
            var entries = forModel.Where(h => string.Equals(h.Gpu, gpu, StringComparison.OrdinalIgnoreCase)).ToList();
            if (entries.Count == 0)
            {
                throw CliError.Usage(
                    $"GPU '{gpu}' has no calibration for {string.Join(", ", models)}. GPUs calibrated for it: {string.Join(", ", forModel.Select(h => h.Gpu).Distinct())}.");
            }
            chosen.AddRange(entries.Where(e => !chosen.Contains(e)));
        }
        return chosen;
    }

    /// <summary>--price GPU=USD, each above 0.</summary>
    public static IReadOnlyList<GpuPrice> ParsePrices(IReadOnlyList<string> values, DateTimeOffset now)
    {
        var asOf = DateOnly.FromDateTime(now.UtcDateTime);
        var prices = new List<GpuPrice>();
        foreach (var value in values)
        {
            var parts = value.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0
                || !decimal.TryParse(parts[1], NumberStyles.Number, CultureInfo.InvariantCulture, out var usd) || usd <= 0)
            {
                throw CliError.Usage($"--price takes GPU=USD per GPU-hour above 0, e.g. --price H100-SXM-80GB=2.99, not '{value}'.");
            }
            prices.RemoveAll(p => string.Equals(p.Gpu, parts[0], StringComparison.OrdinalIgnoreCase));
            prices.Add(new GpuPrice(parts[0], usd, "--price on the command line", asOf));
        }
        return prices;
    }

    private static void Render(IAnsiConsole console, ExperimentDefinition experiment, PlanReport report)
    {
        console.Write(new Rule($"[bold]Plan · {Markup.Escape(experiment.Title)}[/]").LeftJustified());
        console.MarkupLine($"GPU twin in virtual time, seed {report.Seed}, scale {Format.Number(report.Scale)}, up to {report.MaxReplicas} replica(s) on " +
            $"{Markup.Escape(string.Join(", ", report.Gpus))}; SLO {Markup.Escape(Format.Slo(experiment.Slo))}. Definitions from {Markup.Escape(report.DefinitionSource)}.");
        foreach (var plan in report.Cases)
        {
            console.WriteLine();
            console.Write(new Rule($"[bold]{Markup.Escape(plan.Case)}[/]").LeftJustified());
            var c = plan.Counts;
            console.MarkupLine($"[grey]{c.Space} setups in {plan.ElapsedMilliseconds / 1000:F1} s: {c.Simulated} simulated, {c.Equivalent} identical to a simulated one " +
                $"(a limit that never bound), {c.PrunedByCost} dearer than the pick by the cost bound, {c.Infeasible} refused by vLLM at start-up.[/]");
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("").AddColumn("Setup")
                .AddColumn(new TableColumn("Successful / dropped").RightAligned())
                .AddColumn(new TableColumn("p95 / p99").RightAligned())
                .AddColumn(new TableColumn("Cost / 1K successful").RightAligned())
                .AddColumn(new TableColumn("Cost / 1M tokens").RightAligned())
                .AddColumn("SLO");
            if (plan.Pick is { } pick)
            {
                AddRow(table, "[green]recommended[/]", pick);
                if (plan.RunnerUp is { } runnerUp)
                {
                    AddRow(table, $"runner-up [grey]({Difference(runnerUp.Predicted, pick.Predicted)} vs pick)[/]", runnerUp);
                }
            }
            else if (plan.Closest is { } closest)
            {
                AddRow(table, "[red]closest[/]", closest);
            }
            foreach (var profile in plan.Profiles)
            {
                var label = $"profile {Markup.Escape(profile.Profile)}";
                table.AddRow(label, "[grey]as defined[/]",
                    $"{profile.Predicted.Successful} / {profile.Predicted.Dropped}",
                    $"{Format.Seconds(profile.Predicted.P95LatencySeconds)} / {Format.Seconds(profile.Predicted.P99LatencySeconds)}",
                    Format.Usd(profile.Predicted.CostPer1KSuccessfulUsd),
                    Format.Usd(profile.Predicted.CostPer1MTokensUsd, 4),
                    Format.SloMarkup(profile.Predicted.Slo));
            }
            console.Write(table);
            foreach (var (role, setup) in new[] { ("recommended", plan.Pick), ("runner-up", plan.RunnerUp), ("closest", plan.Closest) })
            {
                if (setup is not null)
                {
                    console.MarkupLine($"{role}: {Markup.Escape($"{setup.Replicas} × {setup.Gpu}, {setup.Model} {setup.Dtype}, tensor parallel {setup.TensorParallel}")}, " +
                        $"[bold]{Markup.Escape(string.Join(" ", setup.ServerArgs.Select(a => $"--{a.Key} {a.Value}")))}[/]");
                }
            }
            if (plan.Pick is not null && plan.RunnerUp is null && report.Gpus.Count > 1)
            {
                console.MarkupLine("runner-up: [grey]no setup on another GPU type meets the SLO within the space.[/]");
            }
            if (plan.Pick is { } chosen)
            {
                foreach (var profile in plan.Profiles.Where(p => p.PickCostDifferenceFraction is not null))
                {
                    var fraction = profile.PickCostDifferenceFraction!.Value;
                    var verdict = profile.Predicted.Slo.Passed ? "." : $" (which misses the SLO: {Markup.Escape(Format.FailingTerms(profile.Predicted.Slo))}).";
                    console.MarkupLine(CostDifference.IsSame(fraction)
                        ? $"The pick costs [bold]the same[/] per 1K successful as {Markup.Escape(profile.Profile)} (within 0.05 %){verdict}"
                        : $"The pick is [bold]{Markup.Escape(CostDifference.Describe(fraction))}[/] per 1K successful than {Markup.Escape(profile.Profile)}{verdict}");
                }
                console.MarkupLine($"[grey]Meets every term: {Markup.Escape(string.Join("; ", chosen.Predicted.Slo.Terms.Select(SloEvaluation.Describe)))}.[/]");
            }
            else
            {
                console.MarkupLine($"[red]No setup in the space meets the SLO.[/] The closest misses {Markup.Escape(plan.Closest is { } c2 ? Format.FailingTerms(c2.Predicted.Slo) : "every term")}; " +
                    "widen the space (--max-replicas, --gpus) or relax the SLO.");
            }
        }
        console.MarkupLine($"[grey]{report.SetupsSimulated} of {report.SetupsInSpace} setups simulated in {report.ElapsedMilliseconds / 1000:F1} s. The twin is calibrated to ±20–30 % of real servers: confirm the pick with a live run.[/]");
        console.MarkupLine($"[grey]{Markup.Escape(experiment.EvidenceBoundary)}[/]");
    }

    private static void AddRow(Table table, string label, PlannedSetup setup) => table.AddRow(
        label,
        Markup.Escape($"{setup.Gpu} × {setup.Replicas}"),
        $"{setup.Predicted.Successful} / {setup.Predicted.Dropped}",
        $"{Format.Seconds(setup.Predicted.P95LatencySeconds)} / {Format.Seconds(setup.Predicted.P99LatencySeconds)}",
        Format.Usd(setup.Predicted.CostPer1KSuccessfulUsd),
        Format.Usd(setup.Predicted.CostPer1MTokensUsd, 4),
        Format.SloMarkup(setup.Predicted.Slo));

    private static string Difference(SetupFigures other, SetupFigures pick) =>
        other.CostPer1KSuccessfulUsd is { } theirs && pick.CostPer1KSuccessfulUsd is { } ours && ours > 0
            ? $"{((theirs - ours) / ours * 100).ToString("+0.#;-0.#;0", CultureInfo.InvariantCulture)} %"
            : "n/a";
}
