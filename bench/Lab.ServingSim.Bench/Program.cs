// Benchmarks: `virtual` (1,000,000 requests of 512/128 in virtual time) and `realtime` (256 concurrent streams against the server).
using Lab.ServingSim.Bench;

return args.FirstOrDefault() switch
{
    "virtual" => VirtualTimeBench.Run(args.Skip(1).ToArray()),
    "realtime" => await RealTimeBench.RunAsync(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Lab.ServingSim.Bench virtual [requests]   |   Lab.ServingSim.Bench realtime [streams] [seconds]");
    return 2;
}
