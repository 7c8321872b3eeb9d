// Fires constant-rate schedules through the worker's FiringLoop and CompletionRequester and reports send lateness.
using System.Diagnostics;
using Lab.LoadWorker.Requests;
using Lab.LoadWorker.Timing;

namespace Lab.LoadWorker.Bench;

internal static class FireBenchmark
{
    public static async Task<int> RunAsync(Uri url, double[] rates, double seconds)
    {
        var requester = new CompletionRequester(Extensions.Extensions.CreateLoadClient());
        using var loop = new FiringLoop();
        var prompt = Lab.Experiments.Prompts.PromptBuilder.Build(512, 1);
        // Warm the connection pool, then JIT tiering (tier-1 recompiles land in the first seconds of steady firing):
        // an unreported 3 s at 1,000 req/s, so the first reported rate is not charged for start-up.
        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => requester.SendAsync(new CompletionCall(url, "bench", prompt, 4, TimeSpan.FromSeconds(10)), default)));
        await FireAsync(loop, requester, url, prompt, 1000, 3);
        Console.WriteLine($"{"rate/s",8} {"sent",7} {"ok",7} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"p99.9",8} {"max ms",8}  achieved/s");
        foreach (var rate in rates)
        {
            var sends = await FireAsync(loop, requester, url, prompt, rate, seconds);
            var lateness = sends.Select(s => s.LatenessMs).Order().ToArray();
            var ok = sends.Count(s => s.Ok);
            var first = sends.Min(s => s.SentTimestamp);
            var last = sends.Max(s => s.SentTimestamp);
            var achieved = (sends.Length - 1) / ((last - first) / (double)Stopwatch.Frequency);
            Console.WriteLine($"{rate,8:F0} {sends.Length,7} {ok,7} {P(lateness, 0.50),8:F3} {P(lateness, 0.90),8:F3} {P(lateness, 0.99),8:F3} {P(lateness, 0.999),8:F3} {lateness[^1],8:F3}  {achieved:F0}");
        }
        return 0;
    }

    private static async Task<BenchSend[]> FireAsync(FiringLoop loop, CompletionRequester requester, Uri url, string prompt, double rate, double seconds)
    {
        var count = (int)(rate * seconds);
        var sends = new BenchSend[count];
        using var done = new CountdownEvent(count);
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2;
        for (var i = 0; i < count; i++)
        {
            sends[i] = new BenchSend(start + (long)(i / rate * Stopwatch.Frequency), url, prompt, requester, done);
            loop.Schedule(sends[i]);
        }
        await Task.Run(() => done.Wait(TimeSpan.FromSeconds(seconds + 60)));
        return sends;
    }

    private static double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private sealed class BenchSend(long due, Uri url, string prompt, CompletionRequester requester, CountdownEvent done) : IPlannedSend
    {
        public long DueTimestamp => due;
        public long SentTimestamp { get; private set; }
        public double LatenessMs { get; private set; }
        public bool Ok { get; private set; }

        public void Fire() => _ = RunAsync();

        private async Task RunAsync()
        {
            var result = await requester.SendAsync(new CompletionCall(url, "bench", prompt, 4, TimeSpan.FromSeconds(30)), default);
            SentTimestamp = result.SentTimestamp;
            LatenessMs = (result.SentTimestamp - due) * 1000.0 / Stopwatch.Frequency;
            Ok = OutcomeClassifier.Classify(result.Observation).Successful;
            done.Signal();
        }
    }
}
