// `simulate`: the same engine in virtual time (no HTTP, no sleeping), open loop from an arrival process or closed loop.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Lab.Contracts.Experiments;
using Lab.ServingSim.Engine.Simulation;
using Lab.Evidence;

namespace Lab.ServingSim.CommandLine;

internal static class SimulateCommand
{
    public static Command Create(EngineFlags engine)
    {
        var arrival = new Option<string?>("--arrival") { Description = "Open-loop arrival process: " + string.Join(", ", ArrivalSchedule.Kinds) + "." };
        var rate = new Option<double>("--rate") { Description = "Requests per second (the base rate for bursts)." };
        var burstiness = new Option<double?>("--burstiness") { Description = "gamma shape: 1 = Poisson, below 1 burstier." };
        var spikeRate = new Option<double?>("--spike-rate") { Description = "bursts: extra requests per second during a spike." };
        var spikeSeconds = new Option<double?>("--spike-seconds") { Description = "bursts: length of each spike." };
        var period = new Option<double?>("--spike-period") { Description = "bursts: seconds from one spike's start to the next." };
        var spikeOffset = new Option<double>("--spike-offset") { Description = "bursts: start of the first spike.", DefaultValueFactory = _ => 0 };
        var traceFile = new Option<string?>("--trace-file") { Description = "trace: file of send offsets in seconds, one per line." };
        var duration = new Option<double?>("--duration") { Description = "Seconds over which arrivals are planned." };
        var concurrency = new Option<int?>("--concurrency") { Description = "Closed loop: clients each sending the next request when the last ends." };
        var requests = new Option<int?>("--requests") { Description = "Closed loop: requests in all." };
        var promptTokens = new Option<int>("--prompt-tokens") { DefaultValueFactory = _ => 512 };
        var outputTokens = new Option<int>("--output-tokens") { DefaultValueFactory = _ => 128 };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds a client waits before giving up (the request is aborted and dropped)." };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };

        var command = new Command("simulate", "Run the serving twin in virtual time and print the lab's figures.");
        engine.AddTo(command);
        foreach (var option in new Option[] { arrival, rate, burstiness, spikeRate, spikeSeconds, period, spikeOffset, traceFile, duration, concurrency, requests, promptTokens, outputTokens, timeout, seed, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(result =>
        {
            var config = engine.Bind(result);
            var options = new SimulationOptions
            {
                PromptTokens = result.GetValue(promptTokens),
                OutputTokens = result.GetValue(outputTokens),
                TimeoutSeconds = result.GetValue(timeout) ?? double.PositiveInfinity,
            };
            SimulationReport report;
            if (result.GetValue(concurrency) is { } clients)
            {
                var total = result.GetValue(requests) ?? throw new ArgumentException("--concurrency needs --requests (how many requests in all).");
                if (result.GetValue(arrival) is not null)
                {
                    throw new ArgumentException("Use either --concurrency/--requests (closed loop) or --arrival/--rate/--duration (open loop), not both.");
                }
                report = VirtualTimeSimulation.RunClosedLoop(config, clients, total, options);
            }
            else
            {
                var kind = result.GetValue(arrival) ?? throw new ArgumentException(
                    $"Give --arrival ({string.Join(", ", ArrivalSchedule.Kinds)}) with --rate and --duration, or --concurrency with --requests.");
                var seconds = result.GetValue(duration) ?? throw new ArgumentException("--duration (seconds) is required with --arrival.");
                BurstDefinition? bursts = kind == "bursts"
                    ? new BurstDefinition(
                        result.GetValue(spikeRate) ?? throw new ArgumentException("--arrival bursts needs --spike-rate."),
                        result.GetValue(spikeSeconds) ?? throw new ArgumentException("--arrival bursts needs --spike-seconds."),
                        result.GetValue(period) ?? throw new ArgumentException("--arrival bursts needs --spike-period."),
                        result.GetValue(spikeOffset))
                    : null;
                var definition = new ArrivalDefinition(kind, result.GetValue(rate), result.GetValue(burstiness), bursts, result.GetValue(traceFile));
                var offsets = ArrivalSchedule.Plan(definition, seconds, result.GetValue(seed));
                report = VirtualTimeSimulation.Run(config, offsets, options);
            }

            var output = result.InvocationConfiguration.Output;
            if (result.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(report, SimulationJsonContext.Default.SimulationReport));
            }
            else
            {
                WriteTable(output, report);
            }
            return 0;
        });
        return command;
    }

    private static void WriteTable(TextWriter output, SimulationReport r)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"scheduled {r.Scheduled}   successful {r.Successful}   dropped {r.Dropped} (timeout {r.DroppedTimeout}, rejected {r.DroppedRejected})"));
        output.WriteLine(string.Create(c, $"duration {r.DurationSeconds:F2} s   {r.RequestsPerSecond:F2} req/s   {r.OutputTokensPerSecond:F0} output tok/s"));
        output.WriteLine(string.Create(c, $"batch mean {r.MeanBatchSize:F1}   max waiting {r.MaxWaiting}   max running {r.MaxRunning}   preemptions {r.Preemptions}   steps {r.Steps}   KV blocks {r.KvCacheBlocks}"));
        output.WriteLine();
        output.WriteLine("latency (ms, nearest rank; over all scheduled)      p50        p95        p99");
        Row("ttft", r.TtftMs);
        Row("tpot (successful)", r.TpotMs);
        Row("itl", r.ItlMs);
        Row("e2e", r.E2eMs);
        Row("e2e (successful only)", r.E2eSuccessfulMs);

        void Row(string name, LatencyMs l) =>
            output.WriteLine(string.Create(c, $"  {name,-47} {l.P50,10:F1} {l.P95,10:F1} {l.P99,10:F1}"));
    }
}
