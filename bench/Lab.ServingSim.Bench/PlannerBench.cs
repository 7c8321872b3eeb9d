// Where one planner setup's time goes: the twin alone, the twin keeping per-request records, and the lab's run summary
// over those records (what every candidate setup costs the search), for the cost experiment's steady case.
using System.Diagnostics;
using Lab.Contracts.Experiments;
using Lab.Evidence;
using Lab.ServingSim.Engine.Hardware;
using Lab.ServingSim.Engine.Scheduling;
using Lab.ServingSim.Engine.Simulation;
using Lab.ServingSim.Planner;

namespace Lab.ServingSim.Bench;

internal static class PlannerBench
{
    public static int Run(string[] args)
    {
        var repeats = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 50;
        var workload = new CaseDefinition("steady-cost-efficiency", "steady", 512, 128, new ArrivalDefinition("poisson", 22), 120, 60);
        var schedule = RunSchedule.Plan(workload, 1, 42, null);
        var config = new EngineConfig { Hardware = HardwareProfiles.Default.Find("H100-SXM-80GB", "llama-3.1-8b"), MaxNumSeqs = 256, MaxNumBatchedTokens = 8192 };
        var options = new SimulationOptions { PromptTokens = 512, OutputTokens = 128, TimeoutSeconds = 60 };
        var slo = new SloDefinition(2, 5, 0.01);
        var profile = new ProfileDefinition("p", "p", "llama-3.1-8b", "H100-SXM-80GB", 1, 1, "H100-SXM-80GB", new Dictionary<string, string>());
        var price = new Lab.Contracts.Costs.GpuPrice("H100-SXM-80GB", 2.99m, "bench", new DateOnly(2026, 12, 1));
        Console.WriteLine($"{schedule.Scheduled} requests per setup, {repeats} repeats each");

        Measure("twin only", repeats, () => VirtualTimeSimulation.Run(config, schedule.OffsetsSeconds, options));
        TwinRun? run = null;
        Measure("twin + records", repeats, () => run = TwinSetups.Simulate(workload, config, 1, schedule));
        Measure("run summary", repeats, () => TwinSetups.Summarise(run!, schedule.Scaling, workload, profile, slo, "", price));
        // What the planner does per setup: records without inter-token gaps, whose percentiles it never reads.
        Measure("twin, no gaps", repeats, () => run = TwinSetups.Simulate(workload, config, 1, schedule, tokenGaps: false));
        Measure("summary, no gaps", repeats, () => TwinSetups.Summarise(run!, schedule.Scaling, workload, profile, slo, "", price));
        return 0;
    }

    private static void Measure(string name, int repeats, Action action)
    {
        action();
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++)
        {
            action();
        }
        var ms = clock.Elapsed.TotalMilliseconds / repeats;
        var mb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / repeats / 1048576.0;
        Console.WriteLine($"{name,-16} {ms,8:F2} ms/setup {mb,8:F1} MB allocated/setup");
    }
}
