// `experiment run` prints the SLO verdict with exactly the failing terms in red and the passing ones in green.
using Lab.Cli.Commands;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Lab.Evidence;
using Spectre.Console;
using Spectre.Console.Testing;

namespace Lab.Cli.Tests;

public sealed class RunVerdictTests
{
    private static TestConsole Console() => new TestConsole().Width(220).Colors(ColorSystem.Standard).EmitAnsiSequences();

    /// <summary>The ANSI text the console writes for a term in that colour, so the test does not hard-code escape codes.</summary>
    private static string Coloured(string colour, string text)
    {
        var console = Console();
        console.Markup($"[{colour}]{Markup.Escape(text)}[/]");
        return console.Output;
    }

    [Fact]
    public void A_missed_slo_marks_exactly_its_failing_terms()
    {
        // p95 10.91 s fails its 2 s limit; p99 4 s is within 5 s; 3 % dropped fails the 1 % limit.
        var verdict = SloEvaluation.Verdict(new SloDefinition(2, 5, 0.01), new Percentiles(1_000, 9_000, 10_910, 4_000, 12_000, 100), 100, 3);
        var summary = SeedReport.Build().Matrix.Cells[0].Summary! with { Slo = verdict };
        var console = Console();

        RunCommand.RenderVerdict(console, summary);

        Assert.Contains(Coloured("red", "p95_latency 10.91 s (limit 2 s)"), console.Output);
        Assert.Contains(Coloured("green", "p99_latency 4 s (limit 5 s)"), console.Output);
        Assert.Contains(Coloured("red", "dropped_fraction 0.03 fraction (limit 0.01 fraction)"), console.Output);
        Assert.DoesNotContain(Coloured("green", "p95_latency 10.91 s (limit 2 s)"), console.Output);
        Assert.Contains(Coloured("bold red", "miss"), console.Output);
    }

    [Fact]
    public void A_passed_slo_marks_every_term_green()
    {
        var verdict = SloEvaluation.Verdict(new SloDefinition(2, 5, 0.01), new Percentiles(900, 1_200, 1_610, 1_900, 2_000, 100), 100, 0);
        var summary = SeedReport.Build().Matrix.Cells[0].Summary! with { Slo = verdict };
        var console = Console();

        RunCommand.RenderVerdict(console, summary);

        Assert.Contains(Coloured("green", "p95_latency 1.61 s (limit 2 s)"), console.Output);
        Assert.Contains(Coloured("green", "p99_latency 1.9 s (limit 5 s)"), console.Output);
        Assert.Contains(Coloured("green", "dropped_fraction 0 fraction (limit 0.01 fraction)"), console.Output);
        Assert.Contains(Coloured("bold green", "pass"), console.Output);
    }
}
