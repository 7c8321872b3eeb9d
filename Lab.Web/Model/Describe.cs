// Plain-language descriptions of definitions: arrival processes, run shape, the SLO and the CLI commands.
using System.Globalization;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Lab.Evidence;

namespace Lab.Web.Model;

public static class Describe
{
    private static string N(double v) => Numbers.Plain(v);

    public static string Arrival(ArrivalDefinition arrival) => arrival.Kind switch
    {
        "constant" => $"constant {N(arrival.Rate)} req/s",
        "poisson" => $"Poisson {N(arrival.Rate)} req/s",
        "gamma" => $"gamma {N(arrival.Rate)} req/s, burstiness {N(arrival.Burstiness ?? 1)}",
        "bursts" when arrival.Bursts is { } b =>
            $"{N(arrival.Rate)} req/s base + {N(b.SpikeRate)} req/s for {N(b.SpikeSeconds)} s every {N(b.PeriodSeconds)} s",
        "trace" => $"trace replay{(arrival.TraceFile is { } f ? $" ({f})" : "")}",
        _ => $"{arrival.Kind} {N(arrival.Rate)} req/s",
    };

    /// <summary>"2 cases across 512 prompt tokens and 128 output tokens, paired with 2 run profiles." as on the seed card.</summary>
    public static string RunShape(ExperimentDefinition definition)
    {
        var prompts = definition.Cases.Select(c => c.PromptTokens).Distinct().ToList();
        var outputs = definition.Cases.Select(c => c.OutputTokens).Distinct().ToList();
        return $"{Plural(definition.Cases.Count, "case")} across {Tokens(prompts)} prompt tokens and {Tokens(outputs)} output tokens, " +
               $"paired with {Plural(definition.Profiles.Count, "run profile")}.";
    }

    private static string Tokens(IReadOnlyList<int> values) =>
        values.Count == 1 ? values[0].ToString(CultureInfo.InvariantCulture) : $"{values.Min()}–{values.Max()}";

    public static string Plural(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";

    public static IReadOnlyList<string> Slo(SloDefinition slo) => SloEvaluation.Describe(slo);

    public static string ShowCommand(string experiment) => $"./scripts/experiment show {experiment}";

    public static string RunCommand(string experiment, string caseId, string profile) =>
        $"./scripts/experiment run --experiment {experiment} --case {caseId} --profile {profile}";

    /// <summary>The evidence line on a card: each decision's status and title, or what is missing.</summary>
    public static string Evidence(IReadOnlyList<DecisionRecord> decisions) => decisions.Count == 0
        ? "No decision cites this experiment yet"
        : string.Join("; ", decisions.Select(d => $"{d.Status}: {d.Title}"));

    public static string Verdict(RunSummary summary) => summary.Slo.Passed
        ? "SLO pass"
        : "SLO miss — " + string.Join("; ", summary.Slo.FailingTerms);
}
