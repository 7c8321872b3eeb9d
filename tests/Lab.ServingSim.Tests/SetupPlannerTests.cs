// The planner against the only reference that cannot be wrong about the optimum: every setup of the space simulated.
// Small spaces and short cases keep the full grid cheap; the figures are hand-checkable from the twin's physics
// (naive single-sequence Llama-3.1-8B on one H100 SXM serves ~1.1 req/s, batching serves tens).
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Lab.Experiments.Definitions;
using Lab.ServingSim.Engine.Hardware;
using Lab.ServingSim.Planner;

namespace Lab.ServingSim.Tests;

public sealed class SetupPlannerTests
{
    private static readonly DateOnly AsOf = new(2026, 12, 1);
    private static readonly GpuPrice Sxm = new("H100-SXM-80GB", 2.99m, "test", AsOf);
    private static readonly GpuPrice Pcie = new("H100-PCIe-80GB", 2.49m, "test", AsOf);
    private static readonly SloDefinition CostSlo = new(2, 5, 0.01);

    private static HardwareProfile SxmLlama8B => HardwareProfiles.Default.Find("H100-SXM-80GB", "llama-3.1-8b");
    private static HardwareProfile PcieLlama8B => HardwareProfiles.Default.Find("H100-PCIe-80GB", "llama-3.1-8b");

    [Fact]
    public void On_a_tiny_space_the_pick_is_the_batching_setup_on_one_gpu_exactly_as_the_full_grid_says()
    {
        // 22 req/s for 10 s: single-sequence serving (~1.1 req/s per replica) drops most requests even on two replicas,
        // so the only passing setups batch; one replica is the cheapest of them.
        var request = Request(Steady(22, 10), CostSlo, [SxmLlama8B], [Sxm], new PlanSpace([1, 64], [8192], [null], 2));

        var plan = SetupPlanner.Plan(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotNull(plan.Pick);
        Assert.Equal(("H100-SXM-80GB", 1, "64"), (plan.Pick.Gpu, plan.Pick.Replicas, plan.Pick.ServerArgs["max-num-seqs"]));
        Assert.True(plan.Pick.MeetsSlo);
        Assert.Equal(Scalars(GridPick(request)!.Figures), Scalars(plan.Pick.Predicted));
        // Two replicas cost at least twice the span: the bound prunes them once one replica passes.
        Assert.Equal(new PlanCounts(4, 2, 0, 2, 0), plan.Counts);
        Assert.Null(plan.RunnerUp);
        Assert.Null(plan.Closest);
    }

    [Fact]
    public void Pruning_never_drops_the_true_optimum_on_random_small_spaces()
    {
        var random = new Random(20261204);
        for (var trial = 0; trial < 24; trial++)
        {
            var workload = random.Next(2) == 0
                ? Steady(random.Next(4, 60), 8)
                : Bursts(random.Next(2, 20), random.Next(10, 70), 8);
            var slo = new SloDefinition(0.5 + random.NextDouble() * 3, 1 + random.NextDouble() * 6, random.Next(3) == 0 ? 0.05 : 0.01);
            var seqs = Subset(random, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
            var budgets = Subset(random, [512, 1024, 2048, 8192]);
            var queued = Subset(random, [0, 4, 16, 64]).Select(q => (int?)q).Append(null).Where(_ => random.Next(4) > 0).ToList();
            if (queued.Count == 0)
            {
                queued.Add(null);
            }
            var hardware = random.Next(2) == 0 ? new[] { SxmLlama8B } : [SxmLlama8B, PcieLlama8B];
            var prices = new[] { Sxm with { UsdPerGpuHour = 1 + random.Next(400) / 100m }, Pcie with { UsdPerGpuHour = 1 + random.Next(400) / 100m } };
            var request = Request(workload, slo, hardware, prices, new PlanSpace(seqs, budgets, queued, random.Next(1, 4)), seed: random.Next());

            var plan = SetupPlanner.Plan(request, cancellationToken: TestContext.Current.CancellationToken);
            var grid = SetupPlanner.FullGrid(request);
            var expected = GridPick(request, grid);

            var context = $"trial {trial}: {workload.Arrival.Kind} {workload.Arrival.Rate} req/s, {request.Space}";
            if (expected is null)
            {
                Assert.True(plan.Pick is null, $"{context}: the planner picked {plan.Pick} but no grid setup passes");
                Assert.NotNull(plan.Closest);
                Assert.Equal(grid.Min(g => g.Figures.WorstTermRatio), plan.Closest.Predicted.WorstTermRatio);
            }
            else
            {
                Assert.True(plan.Pick is not null, $"{context}: the grid's {expected.Setup} passes but the planner found none");
                Assert.Equal(expected.Figures.CostPer1KSuccessfulUsd, plan.Pick.Predicted.CostPer1KSuccessfulUsd);
                Assert.Equal(Scalars(expected.Figures), Scalars(plan.Pick.Predicted));
            }
            var accounted = plan.Counts.Simulated + plan.Counts.Equivalent + plan.Counts.PrunedByCost + plan.Counts.Infeasible;
            Assert.Equal(plan.Counts.Space, accounted);
            foreach (var run in grid)
            {
                // Rule 1's bound holds for every setup, passing or not.
                var bound = SetupPlanner.LowerBound(prices.Single(p => p.Gpu == run.Setup.Hardware.Gpu), run.Setup.Hardware, run.Setup.Replicas,
                    Lab.Evidence.RunSchedule.Plan(workload, 1, request.Seed, null));
                Assert.True(run.Figures.CostPer1KSuccessfulUsd is null || bound <= run.Figures.CostPer1KSuccessfulUsd,
                    $"{context}: bound {bound} above {run.Setup}'s {run.Figures.CostPer1KSuccessfulUsd}");
            }
        }
    }

    [Fact]
    public void A_limit_that_never_bound_gives_the_identical_run_so_skipping_it_is_exact()
    {
        // At 6 req/s a batching replica runs well under 64 sequences and refuses nothing with a 64-deep queue.
        var request = Request(Steady(6, 10), CostSlo, [SxmLlama8B], [Sxm], new PlanSpace([64, 1024], [8192], [64, null], 1));

        var plan = SetupPlanner.Plan(request, cancellationToken: TestContext.Current.CancellationToken);
        var grid = SetupPlanner.FullGrid(request);

        Assert.Equal(1, plan.Counts.Simulated);
        Assert.Equal(3, plan.Counts.Equivalent);
        Assert.Single(grid.Select(g => Scalars(g.Figures)).Distinct());
    }

    [Fact]
    public void An_slo_no_setup_can_meet_is_said_with_the_closest_setup_and_its_failing_terms()
    {
        // No 128-token answer streams in 50 ms: every setup fails p95, the closest is the one nearest the limits.
        var slo = new SloDefinition(0.05, 0.1, 0.01);
        var request = Request(Steady(10, 8), slo, [SxmLlama8B, PcieLlama8B], [Sxm, Pcie], new PlanSpace([1, 16, 256], [8192], [null], 2));

        var plan = SetupPlanner.Plan(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Null(plan.Pick);
        Assert.Null(plan.RunnerUp);
        Assert.NotNull(plan.Closest);
        Assert.False(plan.Closest.MeetsSlo);
        Assert.Contains(plan.Closest.Predicted.Slo.FailingTerms, t => t.StartsWith("p95_latency", StringComparison.Ordinal));
        Assert.Equal(SetupPlanner.FullGrid(request).Min(g => g.Figures.WorstTermRatio), plan.Closest.Predicted.WorstTermRatio);
        // With nothing passing there is no bound to prune by: the whole space is simulated or shown identical.
        Assert.Equal(0, plan.Counts.PrunedByCost);
    }

    [Fact]
    public void The_runner_up_is_the_cheapest_passing_setup_on_another_gpu_type()
    {
        var request = Request(Steady(22, 10), CostSlo, [SxmLlama8B, PcieLlama8B], [Sxm, Pcie], new PlanSpace([64, 256], [8192], [null], 2));

        var plan = SetupPlanner.Plan(request, cancellationToken: TestContext.Current.CancellationToken);
        var grid = SetupPlanner.FullGrid(request);

        Assert.NotNull(plan.Pick);
        Assert.NotNull(plan.RunnerUp);
        Assert.NotEqual(plan.Pick.Gpu, plan.RunnerUp.Gpu);
        var cheapestOther = grid.Where(g => g.Figures.Slo.Passed && g.Setup.Hardware.Gpu == plan.RunnerUp.Gpu).Min(g => g.Figures.CostPer1KSuccessfulUsd);
        Assert.Equal(cheapestOther, plan.RunnerUp.Predicted.CostPer1KSuccessfulUsd);
        Assert.True(plan.Pick.Predicted.CostPer1KSuccessfulUsd <= plan.RunnerUp.Predicted.CostPer1KSuccessfulUsd);
    }

    [Fact]
    public void The_frontier_holds_exactly_the_simulated_setups_nothing_beats_on_both_cost_and_p95()
    {
        var request = Request(Bursts(12, 45, 30), CostSlo, [SxmLlama8B], [Sxm], new PlanSpace([1, 8, 64, 256], [2048, 8192], [32, null], 3));

        var plan = SetupPlanner.Plan(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotEmpty(plan.Frontier);
        var costs = plan.Frontier.Select(f => f.Predicted.CostPer1KSuccessfulUsd!.Value).ToList();
        var p95s = plan.Frontier.Select(f => f.Predicted.P95LatencySeconds!.Value).ToList();
        Assert.Equal(costs.Order(), costs);
        Assert.Equal(p95s.OrderDescending(), p95s);
        Assert.Equal(p95s.Count, p95s.Distinct().Count());
        // Setups that shed load are left out (a refused request counts at 0 s in the p95).
        Assert.All(plan.Frontier, f => Assert.True(f.Predicted.Dropped <= 0.01 * f.Predicted.Scheduled, $"{f.Predicted.Dropped} dropped"));
        var grid = SetupPlanner.FullGrid(request).Where(g => g.Figures.Dropped <= 0.01 * g.Figures.Scheduled).ToList();
        foreach (var point in plan.Frontier)
        {
            Assert.DoesNotContain(grid, g => g.Figures.CostPer1KSuccessfulUsd < point.Predicted.CostPer1KSuccessfulUsd
                && g.Figures.P95LatencySeconds < point.Predicted.P95LatencySeconds);
        }
        if (plan.Pick is not null)
        {
            // The pick is on the frontier unless a cheaper, faster setup misses another term (p99).
            Assert.True(plan.Frontier.Any(f => Scalars(f.Predicted) == Scalars(plan.Pick.Predicted))
                || plan.Frontier.Any(f => !f.MeetsSlo && f.Predicted.CostPer1KSuccessfulUsd <= plan.Pick.Predicted.CostPer1KSuccessfulUsd));
        }
    }

    [Fact]
    public void Setups_vllm_would_refuse_are_counted_infeasible_with_its_reason_and_never_simulated()
    {
        // 70B FP8 weights leave one 80 GB GPU too little KV cache for Llama 3.1's 131072-token context; and a budget
        // below the sequence cap is refused by vLLM's scheduler config.
        var seventy = HardwareProfiles.Default.Find("H100-SXM-80GB", "llama-3.1-70b-fp8");
        var request = Request(Steady(2, 5), CostSlo, [seventy, SxmLlama8B], [Sxm], new PlanSpace([16, 4096], [2048], [null], 1));

        var plan = SetupPlanner.Plan(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(new PlanCounts(4, 1, 0, 0, 3), plan.Counts);
        Assert.Contains(plan.Infeasible, r => r.Contains("llama-3.1-70b-fp8", StringComparison.Ordinal) && r.Contains("KV cache", StringComparison.Ordinal));
        Assert.Contains(plan.Infeasible, r => r.Contains("--max-num-batched-tokens (2048) must be greater than or equal to --max-num-seqs (4096)", StringComparison.Ordinal));
        Assert.Equal("llama-3.1-8b", plan.Pick?.Model);
    }

    [Fact]
    public void Bad_spaces_and_missing_prices_are_refused_naming_what_is_allowed()
    {
        var zero = Assert.Throws<ArgumentException>(() => SetupPlanner.Plan(Request(Steady(2, 5), CostSlo, [SxmLlama8B], [Sxm], PlanSpace.Default(0)), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("--max-replicas must be between 1 and 64, not 0.", zero.Message);
        var unpriced = Assert.Throws<ArgumentException>(() => SetupPlanner.Plan(Request(Steady(2, 5), CostSlo, [PcieLlama8B], [Sxm], PlanSpace.Default(1)), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("No price for H100-PCIe-80GB; prices are known for: H100-SXM-80GB.", unpriced.Message);
    }

    [Fact]
    public void The_cost_experiment_steady_pick_meets_the_slo_for_no_more_than_optimized_batched()
    {
        var experiment = ExperimentLoader.LoadDirectory(Path.Combine(RepositoryRoot(), "experiments")).Single(e => e.Id == "cost");
        var steady = experiment.Cases.Single(c => c.Id == "steady-cost-efficiency");
        var request = new PlanRequest(experiment, steady, HardwareProfiles.Default.ForModel("llama-3.1-8b"), [Sxm, Pcie], PlanSpace.Default(4), Seed: 42);

        var plan = SetupPlanner.Plan(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotNull(plan.Pick);
        Assert.True(plan.Pick.MeetsSlo);
        var optimized = plan.Profiles.Single(p => p.Profile == "optimized-batched");
        Assert.True(plan.Pick.Predicted.CostPer1KSuccessfulUsd <= optimized.Predicted.CostPer1KSuccessfulUsd);
        Assert.True(optimized.PickCostDifferenceFraction <= 0);
    }

    private static PlanRequest Request(CaseDefinition workload, SloDefinition slo, IReadOnlyList<HardwareProfile> hardware, IReadOnlyList<GpuPrice> prices,
        PlanSpace space, long seed = 42)
    {
        var experiment = new ExperimentDefinition("plan-test", "Planner test", "?", "cost", "tests", [workload], [], [], slo, "GPU only.", []);
        return new PlanRequest(experiment, workload, hardware, prices, space, seed);
    }

    /// <summary>The grid's answer, independently of the planner: the cheapest passing setup, ties to the lower p95.</summary>
    private static SetupPlanner.Evaluated? GridPick(PlanRequest request, IReadOnlyList<SetupPlanner.Evaluated>? grid = null) =>
        (grid ?? SetupPlanner.FullGrid(request))
            .Where(g => g.Figures.Slo.Passed && g.Figures.CostPer1KSuccessfulUsd is not null)
            .OrderBy(g => g.Figures.CostPer1KSuccessfulUsd)
            .ThenBy(g => g.Figures.P95LatencySeconds)
            .FirstOrDefault();

    /// <summary>The figures without the verdict's term lists (records compare lists by reference).</summary>
    private static (int, int, int, double?, double?, decimal, decimal?, decimal?, bool) Scalars(SetupFigures f) =>
        (f.Scheduled, f.Successful, f.Dropped, f.P95LatencySeconds, f.P99LatencySeconds, f.RunCostUsd, f.CostPer1KSuccessfulUsd, f.CostPer1MTokensUsd, f.Slo.Passed);

    private static CaseDefinition Steady(double rate, double seconds) =>
        new("steady", "steady test load", 512, 128, new ArrivalDefinition("poisson", rate), seconds, 60);

    private static CaseDefinition Bursts(double rate, double spike, double seconds) =>
        new("bursts", "burst test load", 512, 128, new ArrivalDefinition("bursts", rate, Bursts: new BurstDefinition(spike, 5, 10, 2)), seconds, 60);

    private static List<int> Subset(Random random, int[] values)
    {
        var subset = values.Where(_ => random.Next(3) > 0).ToList();
        return subset.Count > 0 ? subset : [values[random.Next(values.Length)]];
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Lab.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Lab.sln not found above the test's directory.");
    }
}
