// The same arrivals through the real-time server loop and through the virtual-time simulation give the same timings.
using Lab.Contracts.Experiments;
using Lab.ServingSim.Engine.Scheduling;
using Lab.ServingSim.Engine.Simulation;
using Lab.ServingSim.Serving;
using Lab.Evidence;

namespace Lab.ServingSim.Tests;

public sealed class RealTimeVsVirtualTests
{
    // What the two modes may differ by in a request's queue/prefill/decode/TTFT/E2E times. The real-time loop runs the
    // engine on the model's schedule (a step starts at the previous step's model end and admits only requests that
    // arrived by then), so the timer's error - how late the thread wakes, large under CPU load - delays when tokens are
    // handed out but cannot move a request into another step. What is left is floating-point rounding: real times
    // count from the loop's creation, virtual ones from the first arrival, so every sum is rounded differently, by about
    // 1e-16 s per step. One microsecond is far above that and far below the smallest step (about 6.7 ms), so any
    // difference in batching fails the test.
    private const double ScheduleTolerance = 1e-6;

    [Fact]
    public async Task Real_time_and_virtual_time_give_the_same_per_request_timings_and_the_timer_error_only_delays_delivery()
    {
        var ct = TestContext.Current.CancellationToken;
        // A small server (4 sequences) under a Poisson burst, so queueing, chunking and batching all show up.
        var config = new EngineConfig { Hardware = EngineTests.H100Llama8B, MaxNumSeqs = 4, MaxNumBatchedTokens = 1024 };
        var planned = ArrivalSchedule.Plan(new ArrivalDefinition("poisson", 20), 1.0, seed: 11);
        Assert.True(planned.Length >= 10);

        var metrics = new ServerMetrics(Prometheus.Metrics.NewCustomRegistry(), "llama-3.1-8b");
        using var loop = new RealTimeEngineLoop(config, TimeProvider.System, metrics, Microsoft.Extensions.Logging.Abstractions.NullLogger<RealTimeEngineLoop>.Instance);
        loop.Start();
        var start = loop.Now;
        var streams = new List<InferenceStream>();
        var deliveries = new List<Task<double[]>>();
        for (var i = 0; i < planned.Length; i++)
        {
            var wait = start + planned[i] - loop.Now;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait), ct);
            }
            var request = new EngineRequest(i, 700, 24);
            var stream = new InferenceStream(request);
            request.Tag = stream;
            Assert.Equal(Admission.Accepted, loop.Submit(request));
            streams.Add(stream);
            deliveries.Add(ReadTokensAsync(stream, loop, ct));
        }
        double[][] delivered;
        try
        {
            // Bounded so that a loop that stops delivering fails here with its fault instead of hanging the run.
            delivered = await Task.WhenAll(deliveries).WaitAsync(TimeSpan.FromSeconds(30), ct);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"requests {string.Join(", ", streams.Where(s => s.Request.State != RequestState.Finished).Select(s => s.Request.Id))} " +
                $"did not finish within 30 s; engine loop running {loop.IsRunning}, fault: {loop.Fault?.ToString() ?? "none"}");
            return;
        }

        // Replay the arrivals as the server stamped them, so only the way time passes differs.
        var real = streams.Select(s => s.Request).ToList();
        var origin = real[0].ArrivalTime;
        var offsets = real.Select(r => r.ArrivalTime - origin).ToArray();
        var simulated = VirtualTimeSimulation.Run(config, offsets, new SimulationOptions { PromptTokens = 700, OutputTokens = 24, RecordRequests = true })
            .Requests.OrderBy(r => r.Id).ToList();

        Assert.Equal(real.Count, simulated.Count);
        Assert.Contains(simulated, r => r.QueueTime > 0.01); // the burst really queued behind max_num_seqs
        var worst = 0.0;
        var delays = new List<double>();
        for (var i = 0; i < real.Count; i++)
        {
            var (r, v) = (real[i], simulated[i]);
            Assert.Equal(RequestState.Finished, r.State);
            foreach (var (measured, expected, what) in new[]
            {
                (r.QueueTime, v.QueueTime, "queue"), (r.PrefillTime, v.PrefillTime, "prefill"),
                (r.TimeToFirstToken, v.TimeToFirstToken, "ttft"), (r.DecodeTime, v.DecodeTime, "decode"), (r.EndToEnd, v.EndToEnd, "e2e"),
            })
            {
                worst = Math.Max(worst, Math.Abs(measured - expected));
                Assert.True(Math.Abs(measured - expected) <= ScheduleTolerance,
                    $"request {i} {what}: real {measured * 1000:F6} ms vs virtual {expected * 1000:F6} ms");
            }

            // Every token reached its reader, in order, never before the model says the GPU produced it.
            Assert.Equal(24, delivered[i].Length);
            Assert.Equal(24, v.TokenTimes!.Count);
            for (var k = 0; k < 24; k++)
            {
                var produced = origin + v.TokenTimes[k];
                Assert.True(delivered[i][k] >= produced - ScheduleTolerance,
                    $"request {i} token {k + 1} handed out at {delivered[i][k]:F6} s, before the model produced it at {produced:F6} s");
                delays.Add(delivered[i][k] - produced);
            }
        }
        delays.Sort();
        var lateness = loop.Lateness();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"longest queue {simulated.Max(r => r.QueueTime) * 1000:F1} ms; worst schedule difference {worst * 1e9:F1} ns; token delivery after production p50 {delays[delays.Count / 2] * 1000:F3} ms, " +
            $"max {delays[^1] * 1000:F3} ms; step lateness p99 {lateness.Summary.P99 * 1000:F3} ms, max {lateness.Max * 1000:F3} ms");
    }

    /// <summary>Drains the stream as an HTTP response does, noting when (loop time) each token arrived.</summary>
    private static async Task<double[]> ReadTokensAsync(InferenceStream stream, RealTimeEngineLoop loop, CancellationToken ct)
    {
        var times = new List<double>();
        await foreach (var index in stream.Tokens.ReadAllAsync(ct))
        {
            var now = loop.Now;
            Assert.Equal(times.Count + 1, index);
            times.Add(now);
        }
        return [.. times];
    }
}
