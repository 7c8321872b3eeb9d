// How many simulated requests per second of CPU the engine sustains in virtual time (optimized profile, 512/128).
using System.Diagnostics;
using Lab.Contracts.Experiments;
using Lab.ServingSim.Engine.Hardware;
using Lab.ServingSim.Engine.Scheduling;
using Lab.ServingSim.Engine.Simulation;
using Lab.Evidence;

namespace Lab.ServingSim.Bench;

internal static class VirtualTimeBench
{
    public static int Run(string[] args)
    {
        var requests = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        var config = new EngineConfig
        {
            Hardware = HardwareProfiles.Default.Find("H100-SXM-80GB", "llama-3.1-8b"),
            MaxNumSeqs = 256,
            MaxNumBatchedTokens = 8192,
        };
        var options = new SimulationOptions { PromptTokens = 512, OutputTokens = 128, TimeoutSeconds = 60 };

        // Warm-up so the JIT has compiled the hot path before timing.
        VirtualTimeSimulation.RunClosedLoop(config, 512, 20_000, options);

        Measure($"closed loop, 1024 clients, {requests:N0} requests", () => VirtualTimeSimulation.RunClosedLoop(config, 1024, requests, options));
        var rate = 40.0;
        var arrivals = ArrivalSchedule.Plan(new ArrivalDefinition("poisson", rate), requests / rate, seed: 1);
        Measure($"open loop, poisson {rate}/s, {arrivals.Length:N0} requests", () => VirtualTimeSimulation.Run(config, arrivals, options));
        return 0;
    }

    private static void Measure(string name, Func<SimulationReport> run)
    {
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var report = run();
        clock.Stop();
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var megabytes = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0;
        Console.WriteLine(name);
        Console.WriteLine($"  wall {clock.Elapsed.TotalSeconds:F2} s, cpu {cpuSeconds:F2} s, {report.Scheduled / clock.Elapsed.TotalSeconds:N0} simulated requests/s, " +
                          $"{report.Steps:N0} engine steps ({report.Steps / clock.Elapsed.TotalSeconds:N0}/s), allocated {megabytes:N0} MiB");
        Console.WriteLine($"  simulated: {report.Successful:N0} successful, {report.Dropped:N0} dropped, {report.RequestsPerSecond:F1} req/s over {report.DurationSeconds:F0} s, " +
                          $"mean batch {report.MeanBatchSize:F1}, e2e p95 {report.E2eMs.P95:F0} ms, preemptions {report.Preemptions}");
    }
}
