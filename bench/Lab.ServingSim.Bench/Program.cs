// Benchmarks: `virtual` (1,000,000 requests of 512/128 in virtual time), `realtime` (256 concurrent streams against the
// server) and `planner` (what one candidate setup of the planner costs).
using Lab.ServingSim.Bench;

return args.FirstOrDefault() switch
{
    "virtual" => VirtualTimeBench.Run(args.Skip(1).ToArray()),
    "realtime" => await RealTimeBench.RunAsync(args.Skip(1).ToArray()),
    "planner" => PlannerBench.Run(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Lab.ServingSim.Bench virtual [requests]   |   Lab.ServingSim.Bench realtime [streams] [seconds]   |   Lab.ServingSim.Bench planner [repeats]");
    return 2;
}
