// The experiment files: cost.yaml loads as the seed card describes it; broken files name file, field and allowed values.
using Lab.Experiments.Definitions;
using Lab.Orchestrator.Experiments;
using Lab.Evidence;

namespace Lab.Orchestrator.Tests;

public sealed class ExperimentLoaderTests
{
    private static string ExperimentsFolder => ExperimentCatalog.Locate(null, AppContext.BaseDirectory);

    private static string CostYaml => File.ReadAllText(Path.Combine(ExperimentsFolder, "cost.yaml"));

    [Fact]
    public void Cost_experiment_matches_the_seed_card()
    {
        var cost = ExperimentLoader.LoadDirectory(ExperimentsFolder).Single(e => e.Id == "cost");
        Assert.Equal("Cost per Useful Work", cost.Title);
        Assert.Equal(["steady-cost-efficiency", "burst-cost-efficiency"], cost.Cases.Select(c => c.Id));
        Assert.Equal(["naive-single", "optimized-batched"], cost.Profiles.Select(p => p.Id));
        Assert.All(cost.Cases, c => Assert.Equal((512, 128), (c.PromptTokens, c.OutputTokens)));
        Assert.Equal("1", cost.Profiles[0].ServerArgs["max-num-seqs"]);
        Assert.True(int.Parse(cost.Profiles[1].ServerArgs["max-num-seqs"]) > 1);
        Assert.All(cost.Profiles, p => Assert.Equal(("llama-3.1-8b", "H100-SXM-80GB", 1, 1), (p.Model, p.Gpu, p.GpusPerReplica, p.Replicas)));
        Assert.Equal((2.0, 5.0, 0.01), (cost.Slo.P95LatencySeconds, cost.Slo.P99LatencySeconds, cost.Slo.MaxDroppedFraction));
        Assert.Contains("serving GPU", cost.EvidenceBoundary);
        Assert.NotEmpty(cost.DecisionLinks);
        Assert.Equal(["Useful work", "Cost", "SLO"], cost.MetricGroups.Select(g => g.Name));
    }

    [Fact]
    public void Burst_case_offers_more_work_than_steady_with_peaks_above_steady()
    {
        var cost = ExperimentLoader.Load("cost.yaml", CostYaml);
        var steady = cost.Cases[0].Arrival;
        var burst = cost.Cases[1].Arrival;
        Assert.True(ArrivalSchedule.MeanRate(burst) > ArrivalSchedule.MeanRate(steady));
        Assert.True(burst.Rate + burst.Bursts!.SpikeRate > 2 * steady.Rate);
    }

    [Fact]
    public void An_unknown_arrival_kind_names_the_file_the_field_path_and_the_allowed_kinds()
    {
        var yaml = CostYaml.Replace("kind: bursts", "kind: spiky");
        var error = Assert.Throws<ExperimentDefinitionException>(() => ExperimentLoader.Load("cost.yaml", yaml)).Errors.Single();
        Assert.Equal("cost.yaml", error.File);
        Assert.Equal("cases[1].arrival.kind", error.Field);
        Assert.Contains("constant, poisson, gamma, bursts, trace", error.Message);
    }

    [Fact]
    public void Several_mistakes_are_all_reported_at_once()
    {
        var yaml = CostYaml
            .Replace("prompt-tokens: 512\n    output-tokens: 128\n    arrival:\n      kind: poisson", "prompt-tokens: 0\n    output-tokens: 128\n    arrival:\n      kind: poisson")
            .Replace("max-num-seqs: \"256\"", "max-num-seqs: \"many\"")
            .Replace("metrics: [estimated_run_cost,", "metrics: [estimated_cost,")
            .Replace("id: optimized-batched", "id: naive-single");
        var fields = Assert.Throws<ExperimentDefinitionException>(() => ExperimentLoader.Load("cost.yaml", yaml)).Errors.Select(e => e.Field).ToList();
        Assert.Contains("cases[0].prompt-tokens", fields);
        Assert.Contains("profiles[1].server-args.max-num-seqs", fields);
        Assert.Contains("metric-groups[1].metrics[0]", fields);
        Assert.Contains("profiles", fields);
    }

    [Fact]
    public void An_unknown_server_flag_lists_the_known_vllm_flags()
    {
        var yaml = CostYaml.Replace("max-num-seqs: \"1\"", "max-seqs: \"1\"");
        var error = Assert.Throws<ExperimentDefinitionException>(() => ExperimentLoader.Load("cost.yaml", yaml)).Errors.Single();
        Assert.Equal("profiles[0].server-args.max-seqs", error.Field);
        Assert.Contains("max-num-seqs", error.Message);
    }

    [Fact]
    public void An_unknown_key_is_reported_with_its_line()
    {
        var yaml = CostYaml.Replace("focus: Cost efficiency", "focus: Cost efficiency\nfocuss: typo");
        var error = Assert.Throws<ExperimentDefinitionException>(() => ExperimentLoader.Load("cost.yaml", yaml)).Errors.Single();
        Assert.StartsWith("line ", error.Field);
        Assert.Contains("focuss", error.Message);
    }

    [Fact]
    public void Gamma_needs_burstiness_and_trace_needs_an_existing_file()
    {
        var yaml = CostYaml.Replace("kind: poisson", "kind: gamma").Replace("kind: bursts", "kind: trace\n      trace-file: missing.csv");
        var errors = Assert.Throws<ExperimentDefinitionException>(() => ExperimentLoader.Load("cost.yaml", yaml, Path.GetTempPath())).Errors;
        Assert.Contains(errors, e => e.Field == "cases[0].arrival.burstiness");
        Assert.Contains(errors, e => e.Field == "cases[1].arrival.trace-file" && e.Message.Contains("missing.csv"));
    }
}
