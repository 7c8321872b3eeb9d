// The experiment's card in the terminal, laid out like the seed card: question, evidence, matrix, boundary, decisions.
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Spectre.Console;

namespace Lab.Cli.Rendering;

public static class ExperimentCard
{
    public const string Project = "GPU Inference Decision Lab";

    public static void Render(IAnsiConsole console, ExperimentReport report)
    {
        var definition = report.Experiment;
        var matrix = report.Matrix;
        var cases = Format.ShortNames(definition.Cases.Select(c => c.Id));
        var profiles = Format.ShortNames(definition.Profiles.Select(p => p.Id));

        console.Write(new Rule($"[bold]{Markup.Escape(definition.Title)}[/]").LeftJustified());
        console.MarkupLine($"[italic]{Markup.Escape(definition.Question)}[/]");
        console.WriteLine();
        var facts = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(3)).AddColumn();
        facts.AddRow("[grey]Project[/]", Project);
        facts.AddRow("[grey]Focus[/]", Markup.Escape(definition.Focus));
        facts.AddRow("[grey]Run shape[/]", $"{Plural(definition.Cases.Count, "case")} / {Plural(definition.Profiles.Count, "profile")}");
        facts.AddRow("[grey]Evidence[/]", EvidenceLine(matrix.Decisions));
        facts.AddRow("[grey]SLO[/]", Markup.Escape(Format.Slo(definition.Slo)));
        facts.AddRow("[grey]Report date[/]", Format.Date(matrix.ReportDate));
        console.Write(facts);
        console.WriteLine();

        Section(console, "Why it matters");
        console.WriteLine(definition.WhyItMatters);
        console.WriteLine();

        Section(console, $"Result evidence · latest reports: {Format.Date(matrix.ReportDate)}");
        var highlights = Highlights(matrix, cases, profiles);
        if (highlights.Count > 0)
        {
            console.Write(new Columns(highlights).Collapse());
        }
        console.WriteLine();

        Section(console, "Useful-work cost matrix");
        console.Write(MatrixTable(definition, matrix, cases, profiles));
        // Which terms each miss failed, under the table so the matrix stays narrow.
        foreach (var cell in matrix.Cells.Where(c => c.Summary is { Slo.Passed: false } && cases.ContainsKey(c.Case) && profiles.ContainsKey(c.Profile)))
        {
            console.MarkupLine($"  [grey]{Markup.Escape(cases[cell.Case])} {Markup.Escape(profiles[cell.Profile])} misses the SLO: {Markup.Escape(Format.FailingTerms(cell.Summary!.Slo))}[/]");
        }
        console.WriteLine();

        Section(console, "Findings");
        if (matrix.Findings.Count == 0)
        {
            console.MarkupLine("[grey]No findings yet: the matrix has no completed runs.[/]");
        }
        foreach (var finding in matrix.Findings)
        {
            console.MarkupLine($"  • {Markup.Escape(finding)}");
        }
        console.WriteLine();

        Section(console, "Evidence boundary");
        console.WriteLine(string.IsNullOrWhiteSpace(matrix.EvidenceBoundary) ? definition.EvidenceBoundary : matrix.EvidenceBoundary);
        console.WriteLine();

        Section(console, "Decision links");
        RenderDecisions(console, definition, matrix.Decisions);
        console.WriteLine();

        Section(console, "Run shape");
        console.Write(CasesTable(definition));
        console.Write(ProfilesTable(definition));
        console.WriteLine();

        if (definition.MetricGroups.Count > 0)
        {
            Section(console, "Metrics to capture");
            var metrics = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(3)).AddColumn();
            foreach (var group in definition.MetricGroups)
            {
                metrics.AddRow($"[bold]{Markup.Escape(group.Name)}[/]", Markup.Escape(string.Join(" · ", group.Metrics)));
            }
            console.Write(metrics);
            console.WriteLine();
        }

        Section(console, "How to run");
        var firstCase = definition.Cases.FirstOrDefault()?.Id ?? "<case>";
        var lastProfile = definition.Profiles.LastOrDefault()?.Id ?? "<profile>";
        console.MarkupLine($"  [grey]local render[/]  ./scripts/experiment show {Markup.Escape(definition.Id)}");
        console.MarkupLine($"  [grey]live run[/]      ./scripts/experiment run --experiment {Markup.Escape(definition.Id)} --case {Markup.Escape(firstCase)} --profile {Markup.Escape(lastProfile)}");
        console.MarkupLine($"  [grey]what if[/]       ./scripts/experiment whatif {Markup.Escape(definition.Id)} --set max-num-seqs=64");
    }

    public static Table MatrixTable(ExperimentDefinition definition, ExperimentMatrix matrix,
        IReadOnlyDictionary<string, string> cases, IReadOnlyDictionary<string, string> profiles)
    {
        // Two-line headers and unwrapped figures keep the matrix whole in an 80-column terminal.
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("Run").NoWrap())
            .AddColumn(new TableColumn("Successful\n/ dropped").RightAligned().NoWrap())
            .AddColumn(new TableColumn("p95\nlatency").RightAligned().NoWrap())
            .AddColumn(new TableColumn("Cost / 1K\nsuccessful").RightAligned().NoWrap())
            .AddColumn(new TableColumn("Cost / 1M\ntokens").RightAligned().NoWrap())
            .AddColumn(new TableColumn("SLO").NoWrap());
        foreach (var workload in definition.Cases)
        {
            foreach (var profile in definition.Profiles)
            {
                var cell = matrix.Cells.FirstOrDefault(c => c.Case == workload.Id && c.Profile == profile.Id);
                var label = $"{Markup.Escape(cases[workload.Id])} {Markup.Escape(profiles[profile.Id])}" + (cell?.Pinned == true ? " [grey](pinned)[/]" : "");
                if (cell?.Summary is { } summary)
                {
                    table.AddRow(
                        label,
                        $"{summary.Successful} / {summary.Dropped}",
                        Format.Milliseconds(summary.RequestLatency?.P95),
                        Format.Usd(summary.CostPer1KSuccessfulUsd),
                        Format.Usd(summary.CostPer1MTokensUsd, 4),
                        Format.SloMarkup(summary.Slo.Passed));
                }
                else
                {
                    var state = cell?.Run is { } run ? $"run {Format.StatusMarkup(run.Status)}" : "[grey]no completed run yet[/]";
                    table.AddRow(label, state, "—", "—", "—", "[grey]—[/]");
                }
            }
        }
        return table;
    }

    private static List<Panel> Highlights(ExperimentMatrix matrix, IReadOnlyDictionary<string, string> cases, IReadOnlyDictionary<string, string> profiles)
    {
        var measured = matrix.Cells
            .Where(c => c.Summary?.CostPer1KSuccessfulUsd is not null && cases.ContainsKey(c.Case) && profiles.ContainsKey(c.Profile))
            .ToList();
        string Name(MatrixCell c) => $"{cases[c.Case]} {profiles[c.Profile]}";
        var panels = new List<Panel>();
        var chosen = new HashSet<MatrixCell>();
        void Add(MatrixCell? cell, string body)
        {
            if (cell is not null && chosen.Add(cell))
            {
                panels.Add(new Panel(new Markup(body)).Header(Markup.Escape(Name(cell))).Border(BoxBorder.Rounded));
            }
        }

        var cheapestPassing = measured.Where(c => c.Summary!.Slo.Passed).MinBy(c => c.Summary!.CostPer1KSuccessfulUsd);
        Add(cheapestPassing, $"[bold green]{Format.Usd(cheapestPassing?.Summary!.CostPer1KSuccessfulUsd)}[/]\nper 1K successful requests; SLO [green]pass[/]");
        var costliest = measured.MaxBy(c => c.Summary!.CostPer1KSuccessfulUsd);
        Add(costliest, $"[bold]{Format.Usd(costliest?.Summary!.CostPer1KSuccessfulUsd)}[/]\nper 1K successful requests; {costliest?.Summary!.Dropped} dropped");
        var cheapest = measured.MinBy(c => c.Summary!.CostPer1KSuccessfulUsd);
        if (cheapest is { Summary.Slo.Passed: false })
        {
            Add(cheapest, $"[bold red]{Format.Milliseconds(cheapest.Summary.RequestLatency?.P95)} p95[/]\n{Format.Usd(cheapest.Summary.CostPer1KSuccessfulUsd)} per 1K, but SLO [red]miss[/]");
        }
        return panels;
    }

    private static string EvidenceLine(IReadOnlyList<DecisionRecord> decisions) => decisions.Count == 0
        ? "[yellow]Pending[/]: no decision record cites this experiment yet"
        : string.Join("; ", decisions.Select(d => $"{Format.DecisionMarkup(d.Status)}: {Markup.Escape(d.Title)}"));

    private static void RenderDecisions(IAnsiConsole console, ExperimentDefinition definition, IReadOnlyList<DecisionRecord> decisions)
    {
        console.MarkupLine("[grey]Decision records own the project conclusions; this experiment supplies evidence for the calls below.[/]");
        foreach (var decision in decisions)
        {
            console.MarkupLine($"  {Format.DecisionMarkup(decision.Status)}  [bold]{Markup.Escape(decision.Title)}[/] — {Markup.Escape(decision.Statement)}");
            foreach (var evaluation in decision.Evaluations)
            {
                var mark = evaluation.Status switch
                {
                    ClaimStatus.Holds => "[green]holds[/]",
                    ClaimStatus.Fails => "[red]fails[/]",
                    _ => "[yellow]pending[/]",
                };
                console.MarkupLine($"      {mark}  {Markup.Escape(evaluation.Claim.Text ?? evaluation.Explanation)}");
            }
        }
        // Links the definition names that have no record yet still show, so the reader sees what is unsupported.
        foreach (var link in definition.DecisionLinks.Where(l => !decisions.Any(d => Matches(l, d))))
        {
            console.MarkupLine($"  [yellow]Pending[/]  [bold]{Markup.Escape(link.Title)}[/] — {Markup.Escape(link.Summary)} [grey](no decision record yet)[/]");
        }
        if (decisions.Count == 0 && definition.DecisionLinks.Count == 0)
        {
            console.MarkupLine("  [grey]No decision links.[/]");
        }
    }

    private static bool Matches(DecisionLink link, DecisionRecord record) =>
        string.Equals(link.Title, record.Title, StringComparison.OrdinalIgnoreCase)
        || string.Equals(link.Id, record.Id.ToString(), StringComparison.OrdinalIgnoreCase);

    private static Table CasesTable(ExperimentDefinition definition)
    {
        var table = new Table().Border(TableBorder.Simple).Title($"{Plural(definition.Cases.Count, "case")}")
            .AddColumn("Case").AddColumn("Workload").AddColumn(new TableColumn("Tokens").RightAligned())
            .AddColumn("Arrivals").AddColumn(new TableColumn("Duration / timeout").RightAligned());
        foreach (var workload in definition.Cases)
        {
            table.AddRow(
                Markup.Escape(workload.Id),
                Markup.Escape(workload.Description),
                $"{workload.PromptTokens} prompt / {workload.OutputTokens} output",
                Markup.Escape(Format.Arrival(workload.Arrival)),
                $"{Format.Number(workload.DurationSeconds)} s / {Format.Number(workload.TimeoutSeconds)} s");
        }
        return table;
    }

    private static Table ProfilesTable(ExperimentDefinition definition)
    {
        var table = new Table().Border(TableBorder.Simple).Title($"{Plural(definition.Profiles.Count, "run profile")}")
            .AddColumn("Profile").AddColumn("Configuration").AddColumn("Serving").AddColumn("Server args");
        foreach (var profile in definition.Profiles)
        {
            table.AddRow(
                Markup.Escape(profile.Id),
                Markup.Escape(profile.Description),
                Markup.Escape($"{profile.Model} on {profile.GpusPerReplica}× {profile.Gpu} × {profile.Replicas} replica(s)"),
                Markup.Escape(string.Join(" ", profile.ServerArgs.Select(a => $"--{a.Key} {a.Value}"))));
        }
        return table;
    }

    private static void Section(IAnsiConsole console, string title) =>
        console.Write(new Rule($"[bold cyan]{Markup.Escape(title)}[/]").LeftJustified().RuleStyle("grey"));

    private static string Plural(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";
}
