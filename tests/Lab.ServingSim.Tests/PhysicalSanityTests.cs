// The twin against what an H100 running vLLM does with Llama-3.1-8B bf16 at 512 prompt / 128 output tokens.
using Lab.Contracts.Experiments;
using Lab.ServingSim.Engine.Scheduling;
using Lab.ServingSim.Engine.Simulation;
using Lab.Evidence;

namespace Lab.ServingSim.Tests;

public sealed class PhysicalSanityTests
{
    private static readonly SimulationOptions Shape = new() { PromptTokens = 512, OutputTokens = 128 };
    private static EngineConfig Naive => new() { Hardware = EngineTests.H100Llama8B, MaxNumSeqs = 1, MaxNumBatchedTokens = 8192 };
    private static EngineConfig Optimized => new() { Hardware = EngineTests.H100Llama8B, MaxNumSeqs = 256, MaxNumBatchedTokens = 8192 };

    [Fact]
    public void Batch_one_decode_takes_between_5_8_and_8_ms_per_token()
    {
        var report = VirtualTimeSimulation.RunClosedLoop(Naive, concurrency: 1, requests: 3, Shape);
        Assert.InRange(report.TpotMs.P50, 5.8, 8.0);
        Assert.InRange(report.ItlMs.P99, 5.8, 8.0);
    }

    [Fact]
    public void Naive_single_sequence_capacity_is_between_1_0_and_1_3_requests_per_second()
    {
        var report = VirtualTimeSimulation.RunClosedLoop(Naive, concurrency: 16, requests: 300, Shape);
        Assert.Equal(300, report.Successful);
        Assert.InRange(report.RequestsPerSecond, 1.0, 1.3);
        Assert.Equal(1, report.MaxRunning);
    }

    [Fact]
    public void Optimized_batching_saturates_between_35_and_60_requests_per_second()
    {
        var report = VirtualTimeSimulation.RunClosedLoop(Optimized, concurrency: 1024, requests: 30_000, Shape);
        Assert.Equal(30_000, report.Successful);
        Assert.InRange(report.RequestsPerSecond, 35, 60);
        Assert.Equal(256, report.MaxRunning);
        Assert.True(report.MaxWaiting > 0);
    }

    [Fact]
    public void Timeouts_drop_requests_and_charge_them_at_the_time_given_up()
    {
        // 5 req/s against a ~1.15 req/s single-sequence server: the queue grows and clients give up after 10 s.
        var arrivals = ArrivalSchedule.Plan(new ArrivalDefinition("constant", 5), 60, seed: 1);
        var report = VirtualTimeSimulation.Run(Naive, arrivals, Shape with { TimeoutSeconds = 10 });

        Assert.Equal(300, report.Scheduled);
        Assert.Equal(report.Scheduled, report.Successful + report.Dropped);
        Assert.True(report.DroppedTimeout > report.Successful);
        Assert.Equal(10_000, report.E2eMs.P95, 3);
        Assert.True(report.E2eSuccessfulMs.P95 < 10_000);
    }

    [Fact]
    public void Steady_optimized_at_22_per_second_completes_everything_within_the_2_s_p95_slo()
    {
        var arrivals = ArrivalSchedule.Plan(new ArrivalDefinition("poisson", 22), 120, seed: 1);
        var report = VirtualTimeSimulation.Run(Optimized, arrivals, Shape with { TimeoutSeconds = 60 });

        Assert.Equal(0, report.Dropped);
        Assert.InRange(report.E2eMs.P95, 1000, 2000);
        Assert.InRange(report.RequestsPerSecond, 20, 24);
    }

    [Fact]
    public void Same_arrivals_and_seed_give_the_same_report()
    {
        var arrivals = ArrivalSchedule.Plan(new ArrivalDefinition("gamma", 30, Burstiness: 0.3), 30, seed: 7);
        var first = VirtualTimeSimulation.Run(Optimized, arrivals, Shape with { TimeoutSeconds = 60 });
        var second = VirtualTimeSimulation.Run(Optimized, arrivals, Shape with { TimeoutSeconds = 60 });
        Assert.Equal(first with { Requests = [] }, second with { Requests = [] });
    }
}
