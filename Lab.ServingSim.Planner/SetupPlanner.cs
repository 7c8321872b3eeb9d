// The search: for one case, every hardware entry × replicas × vLLM flags of the space, simulated on the twin in virtual
// time with the live run's schedule (same case, scale and seed), judged by the lab's run summary, and the cheapest per 1K
// successful requests among those meeting the SLO picked. Most of the space is never simulated, for reasons that are
// exact (the pick is the one a full grid would return; SetupPlannerTests checks it against the grid on random spaces):
//
// 1. Cost bound, per GPU, over replicas. A setup's run cost is price × GPUs per replica × replicas × billed time, and the
//    billed time runs from the first planned send to the last end, so it is at least the schedule's span (last send −
//    first send); successful requests are at most the scheduled ones. So cost per 1K successful ≥
//    price × GPUs × replicas × span ÷ scheduled × 1000, whatever the flags. Replicas are walked upwards; once that bound
//    for r replicas is above the cheapest passing setup already found on the same hardware, no setup with r or more
//    replicas there can be cheaper, and the walk stops. The bound is per hardware entry, not global, so every GPU type
//    keeps its own cheapest passing setup (the runner-up on another GPU).
// 2. Limits that never bound. A run whose peak of running sequences (over all replicas) stayed below --max-num-seqs
//    never had an admission refused by that cap, so any larger cap gives the identical run; a run with no request
//    refused at admission gives the identical run under any larger (or no) --max-num-queued-reqs. Such setups take the
//    simulated run's figures without being simulated again (counted as equivalent).
// 3. Setups vLLM refuses to start (KV cache cannot hold --max-model-len, --max-num-batched-tokens below
//    --max-num-seqs) are counted infeasible with vLLM's reason and never simulated.
//
// Not pruned, because it is not monotone: latency against replicas under round-robin and against --max-num-seqs (a
// larger cap admits more prefill into each step, which can lengthen every decode step), so each value is simulated.
using System.Collections.Concurrent;
using Lab.Contracts.Costs;
using Lab.Evidence;
using Lab.ServingSim.Engine.Hardware;
using Lab.ServingSim.Engine.Scheduling;
using Lab.ServingSim.Engine.Simulation;

namespace Lab.ServingSim.Planner;

public static class SetupPlanner
{
    /// <summary>One simulated setup and what its run showed about its limits.</summary>
    internal sealed record Evaluated(ServingSetup Setup, SetupFigures Figures, int MaxRunning, long Rejected);

    public static CasePlan Plan(PlanRequest request, IProgress<PlanProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var (schedule, prices) = Prepare(request);
        var space = request.Space;
        var perReplica = space.SetupsPerHardware / space.MaxReplicas;
        var total = request.Hardware.Count * space.SetupsPerHardware;
        var evaluated = new ConcurrentBag<(int Hardware, Evaluated Run)>();
        var infeasible = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        long equivalent = 0, pruned = 0, infeasibleCount = 0, done = 0;
        var simulated = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };

        void Report(long setups)
        {
            var now = Interlocked.Add(ref done, setups);
            progress?.Report(new PlanProgress(request.Case.Id, now, total, Volatile.Read(ref simulated)));
        }

        Parallel.For(0, request.Hardware.Count, parallel, h =>
        {
            var hardware = request.Hardware[h];
            var price = prices[h];
            decimal? best = null;
            for (var replicas = 1; replicas <= space.MaxReplicas; replicas++)
            {
                if (best is { } cheapest && LowerBound(price, hardware, replicas, schedule) > cheapest)
                {
                    var rest = (space.MaxReplicas - replicas + 1) * perReplica;
                    Interlocked.Add(ref pruned, rest);
                    Report(rest);
                    break;
                }
                var level = new ConcurrentBag<Evaluated>();
                var r = replicas;
                Parallel.ForEach(space.MaxNumBatchedTokens, parallel, budget =>
                {
                    // One chain per budget: queue limits ascending (unbounded last), sequence caps ascending, so a run
                    // that shows a limit never bound covers the larger values that follow it.
                    var chain = new List<(int Seqs, int? Queued, Evaluated Run)>();
                    foreach (var queued in space.MaxNumQueuedReqs.OrderBy(q => q ?? int.MaxValue))
                    {
                        foreach (var seqs in space.MaxNumSeqs.Order())
                        {
                            var setup = new ServingSetup(hardware, r, seqs, budget, queued, space.GpuMemoryUtilization);
                            if (Refusal(setup) is { } reason)
                            {
                                infeasible.TryAdd(reason, true);
                                Interlocked.Increment(ref infeasibleCount);
                                Report(1);
                                continue;
                            }
                            if (chain.Any(c => Covers(c.Seqs, c.Queued, c.Run, seqs, queued)))
                            {
                                Interlocked.Increment(ref equivalent);
                                Report(1);
                                continue;
                            }
                            var run = Evaluate(request, setup, schedule, price, cancellationToken);
                            chain.Add((seqs, queued, run));
                            level.Add(run);
                            Interlocked.Increment(ref simulated);
                            Report(1);
                        }
                    }
                });
                foreach (var run in level)
                {
                    evaluated.Add((h, run));
                    if (run.Figures.Slo.Passed && run.Figures.CostPer1KSuccessfulUsd is { } cost && (best is null || cost < best))
                    {
                        best = cost;
                    }
                }
            }
        });

        var runs = evaluated.OrderBy(e => Key(e.Hardware, e.Run.Setup)).ToList();
        var pick = Cheapest(runs.Where(e => e.Run.Figures.Slo.Passed));
        var runnerUp = pick is null ? null : Cheapest(runs.Where(e => e.Run.Figures.Slo.Passed
            && !string.Equals(e.Run.Setup.Hardware.Gpu, pick.Setup.Hardware.Gpu, StringComparison.OrdinalIgnoreCase)));
        var closest = pick is not null ? null : runs
            .OrderBy(e => e.Run.Figures.WorstTermRatio)
            .ThenBy(e => e.Run.Figures.CostPer1KSuccessfulUsd ?? decimal.MaxValue)
            .Select(e => e.Run)
            .FirstOrDefault();
        var comparisons = Compare(request, schedule, pick, cancellationToken);
        return new CasePlan(
            request.Case.Id,
            pick is null ? null : PlannedSetup.Of(pick.Setup, pick.Figures),
            runnerUp is null ? null : PlannedSetup.Of(runnerUp.Setup, runnerUp.Figures),
            closest is null ? null : PlannedSetup.Of(closest.Setup, closest.Figures),
            Frontier(runs.Select(e => e.Run)).Select(e => PlannedSetup.Of(e.Setup, e.Figures)).ToList(),
            comparisons,
            new PlanCounts(total, simulated, equivalent, pruned, infeasibleCount),
            infeasible.Keys.Order(StringComparer.Ordinal).ToList(),
            System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Every setup of the space simulated, none pruned: the reference the search is tested against.</summary>
    internal static IReadOnlyList<Evaluated> FullGrid(PlanRequest request)
    {
        var (schedule, prices) = Prepare(request);
        var runs = new List<Evaluated>();
        for (var h = 0; h < request.Hardware.Count; h++)
        {
            for (var replicas = 1; replicas <= request.Space.MaxReplicas; replicas++)
            {
                foreach (var budget in request.Space.MaxNumBatchedTokens)
                {
                    foreach (var queued in request.Space.MaxNumQueuedReqs)
                    {
                        foreach (var seqs in request.Space.MaxNumSeqs)
                        {
                            var setup = new ServingSetup(request.Hardware[h], replicas, seqs, budget, queued, request.Space.GpuMemoryUtilization);
                            if (Refusal(setup) is null)
                            {
                                runs.Add(Evaluate(request, setup, schedule, prices[h], CancellationToken.None));
                            }
                        }
                    }
                }
            }
        }
        return runs;
    }

    /// <summary>The twin's prediction for one setup of the request's case, through the lab's run summary.</summary>
    public static SetupFigures Predict(PlanRequest request, ServingSetup setup, CancellationToken cancellationToken = default)
    {
        var (schedule, _) = Prepare(request);
        var price = PriceOf(request.Prices, setup.Hardware.Gpu);
        return Evaluate(request, setup, schedule, price, cancellationToken).Figures;
    }

    /// <summary>
    /// The non-dominated setups (cost per 1K successful vs p95), cheapest first, among those that keep the SLO's dropped
    /// fraction: the p95 is over every scheduled request and a refused one counts at the moment of refusal, so a setup
    /// that sheds load looks fast and would hide the honest trade-off. Setups without either figure are left out.
    /// </summary>
    internal static IReadOnlyList<Evaluated> Frontier(IEnumerable<Evaluated> runs)
    {
        var frontier = new List<Evaluated>();
        var fastest = double.PositiveInfinity;
        foreach (var run in runs
                     .Where(r => r.Figures.CostPer1KSuccessfulUsd is not null && r.Figures.P95LatencySeconds is not null)
                     .Where(r => r.Figures.Slo.Terms.All(t => t.Name != SloEvaluation.DroppedFraction || !t.Failing))
                     .OrderBy(r => r.Figures.CostPer1KSuccessfulUsd)
                     .ThenBy(r => r.Figures.P95LatencySeconds))
        {
            if (run.Figures.P95LatencySeconds!.Value < fastest)
            {
                frontier.Add(run);
                fastest = run.Figures.P95LatencySeconds.Value;
            }
        }
        return frontier;
    }

    /// <summary>
    /// The lower bound of rule 1 in the file header: price × GPUs per replica × replicas × schedule span ÷ scheduled
    /// × 1000, in USD per 1K successful requests. Every setup on this hardware with this many replicas costs at least this.
    /// </summary>
    internal static decimal LowerBound(GpuPrice price, HardwareProfile hardware, int replicas, RunSchedule schedule)
    {
        var offsets = schedule.OffsetsSeconds;
        // Records are stamped to the whole microsecond, so the billed span can be a microsecond short of the planned one.
        var span = offsets.Length < 2 ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Max(0, (long)Math.Floor((offsets[^1] - offsets[0]) * TimeSpan.TicksPerSecond) - 20));
        var cost = CostMath.RunCost(price.UsdPerGpuHour, hardware.TensorParallelSize, replicas, span);
        return CostMath.PerThousandSuccessful(cost, offsets.Length) ?? 0;
    }

    /// <summary>Rule 2 in the file header: the simulated run (seqs, queued) says a setup with these larger limits runs identically.</summary>
    private static bool Covers(int seqs, int? queued, Evaluated run, int candidateSeqs, int? candidateQueued)
    {
        var seqsSame = seqs == candidateSeqs || (run.MaxRunning < seqs && seqs <= candidateSeqs);
        var queuedSame = queued == candidateQueued
            || (run.Rejected == 0 && queued is { } q && (candidateQueued is null || q <= candidateQueued));
        return seqsSame && queuedSame;
    }

    /// <summary>Rule 3 in the file header: vLLM's start-up refusal for this setup, or null when it starts.</summary>
    private static string? Refusal(ServingSetup setup)
    {
        try
        {
            Config(setup);
            return null;
        }
        catch (ArgumentException e)
        {
            return $"{setup.Hardware.Model} on {setup.Hardware.Gpu}: {e.Message}";
        }
    }

    /// <summary>The engine a setup runs: its server args through TwinSetups, the one mapping a written profile also takes.</summary>
    private static EngineConfig Config(ServingSetup setup) => TwinSetups.Config(setup.Hardware, setup.ServerArgs);

    private static Evaluated Evaluate(PlanRequest request, ServingSetup setup, RunSchedule schedule, GpuPrice price, CancellationToken cancellationToken)
    {
        var run = TwinSetups.Simulate(request.Case, Config(setup), setup.Replicas, schedule, cancellationToken, tokenGaps: false);
        var profile = setup.ToProfile("planned", "planner candidate");
        var summary = TwinSetups.Summarise(run, schedule.Scaling, request.Case, profile, request.Experiment.Slo, request.Experiment.EvidenceBoundary, price);
        return new Evaluated(setup, SetupFigures.From(summary), run.MaxRunning, run.Rejected);
    }

    /// <summary>Each existing profile of the experiment predicted by the same twin and schedule, beside the pick.</summary>
    private static List<ProfileComparison> Compare(PlanRequest request, RunSchedule schedule, Evaluated? pick, CancellationToken cancellationToken)
    {
        var table = request.Table ?? HardwareProfiles.Default;
        var comparisons = new List<ProfileComparison>();
        foreach (var profile in request.Experiment.Profiles)
        {
            HardwareProfile hardware;
            try
            {
                hardware = TwinSetups.Hardware(table, profile);
            }
            catch (KeyNotFoundException)
            {
                continue; // a profile the twin has no calibration for has no prediction to compare with
            }
            var price = TwinSetups.PriceFor(profile, request.Prices);
            if (price is null)
            {
                continue;
            }
            var config = TwinSetups.Config(hardware, profile.ServerArgs);
            var run = TwinSetups.Simulate(request.Case, config, profile.Replicas, schedule, cancellationToken, tokenGaps: false);
            var figures = SetupFigures.From(TwinSetups.Summarise(run, schedule.Scaling, request.Case, profile, request.Experiment.Slo,
                request.Experiment.EvidenceBoundary, price));
            decimal? difference = pick?.Figures.CostPer1KSuccessfulUsd is { } ours && figures.CostPer1KSuccessfulUsd is { } theirs && theirs > 0
                ? (ours - theirs) / theirs
                : null;
            comparisons.Add(new ProfileComparison(profile.Id, figures, difference));
        }
        return comparisons;
    }

    private static Evaluated? Cheapest(IEnumerable<(int Hardware, Evaluated Run)> runs) => runs
        .Where(e => e.Run.Figures.CostPer1KSuccessfulUsd is not null)
        .OrderBy(e => e.Run.Figures.CostPer1KSuccessfulUsd)
        .ThenBy(e => e.Run.Figures.P95LatencySeconds)
        .ThenBy(e => Key(e.Hardware, e.Run.Setup))
        .Select(e => e.Run)
        .FirstOrDefault();

    /// <summary>The canonical order of the space: hardware, replicas, then the flags ascending (an unbounded queue last).</summary>
    private static (int, int, int, int, int) Key(int hardware, ServingSetup setup) =>
        (hardware, setup.Replicas, setup.MaxNumSeqs, setup.MaxNumBatchedTokens, setup.MaxNumQueuedReqs ?? int.MaxValue);

    private static (RunSchedule Schedule, GpuPrice[] Prices) Prepare(PlanRequest request)
    {
        request.Space.Validate();
        if (request.Hardware.Count == 0)
        {
            throw new ArgumentException("No hardware to plan on: the hardware profiles hold no entry for this model on the GPUs asked for.");
        }
        var schedule = RunSchedule.Plan(request.Case, request.Scale, request.Seed, request.ExperimentsDirectory);
        if (schedule.Scheduled == 0)
        {
            throw new ArgumentException($"Case {request.Case.Id} schedules no requests at scale {request.Scale}: there is nothing to plan for.");
        }
        return (schedule, request.Hardware.Select(h => PriceOf(request.Prices, h.Gpu)).ToArray());
    }

    private static GpuPrice PriceOf(IReadOnlyList<GpuPrice> prices, string gpu) =>
        prices.FirstOrDefault(p => string.Equals(p.Gpu, gpu, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            $"No price for {gpu}; prices are known for: {(prices.Count == 0 ? "none" : string.Join(", ", prices.Select(p => p.Gpu)))}.");
}
