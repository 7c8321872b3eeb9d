// Load-worker timing benchmark. Two processes on one machine:
//   serve --port 5099                       an endpoint answering every completion at once with a short SSE stream
//   fire --url http://127.0.0.1:5099/ --rates 500,2000 --seconds 10
//                                           the worker's own FiringLoop + CompletionRequester at constant rates,
//                                           reporting send lateness (sent - planned) percentiles per rate
using Lab.LoadWorker.Bench;

return args.FirstOrDefault() switch
{
    "serve" => await InstantSseEndpoint.RunAsync(Arguments.Int(args, "--port", 5099)),
    "fire" => await FireBenchmark.RunAsync(new Uri(Arguments.String(args, "--url", "http://127.0.0.1:5099/")),
        Arguments.String(args, "--rates", "500,2000").Split(',').Select(double.Parse).ToArray(), Arguments.Double(args, "--seconds", 10)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Lab.LoadWorker.Bench serve [--port 5099] | fire [--url URL] [--rates 500,2000] [--seconds 10]");
    return 2;
}
