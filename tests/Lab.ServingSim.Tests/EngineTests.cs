// Hand-computed expectations for the scheduler and the step-time model (the hardware profile's coefficients, 8B bf16 on H100 SXM).
using Lab.ServingSim.Engine.Hardware;
using Lab.ServingSim.Engine.Scheduling;

namespace Lab.ServingSim.Tests;

public sealed class EngineTests
{
    internal static readonly HardwareProfile H100Llama8B = HardwareProfiles.Default.Find("H100-SXM-80GB", "llama-3.1-8b");

    // The formula written out by hand, in milliseconds, independent of StepTimeModel.
    private static double StepMs(int n, long k, double pairs) =>
        1.0 + Math.Max(5.7 + 0.009 * n, 3.4 + 0.0212 * n) + 5.2e-5 * k + 1.3e-6 * pairs;

    /// <summary>Runs the engine with no arrivals beyond those already submitted, to completion.</summary>
    internal static void Drain(ServingEngine engine, double start = 0)
    {
        var now = start;
        while (engine.HasWork && engine.TryBeginStep(now, out var end))
        {
            engine.CompleteStep();
            now = end;
        }
    }

    [Fact]
    public void One_request_alone_has_ttft_of_its_prefill_step_and_tpot_of_the_batch_one_decode_step()
    {
        var engine = new ServingEngine(new EngineConfig { Hardware = H100Llama8B, MaxNumSeqs = 256, MaxNumBatchedTokens = 8192 });
        var request = new EngineRequest(1, 512, 128);
        Assert.Equal(Admission.Accepted, engine.Submit(request, 0));

        Drain(engine);

        // Prefill: n = 512, compute-bound (3.4 + 0.0212·512 = 14.25 > 5.7 + 0.009·512), 512·256 query·key pairs.
        var prefillMs = StepMs(512, 0, 512 * 256.0);
        Assert.Equal(1.0 + 14.2544 + 1.3e-6 * 131072, prefillMs, 9);
        Assert.Equal(prefillMs, request.TimeToFirstToken * 1000, 6);
        Assert.Equal(0, request.QueueTime);
        Assert.Equal(prefillMs, request.PrefillTime * 1000, 6);

        // Decode: one token per step, memory-bound, the context growing from 513 to 639 tokens (mean 576).
        var decodeMs = Enumerable.Range(513, 127).Sum(k => StepMs(1, k, 0));
        var tpotMs = (request.EndToEnd - request.TimeToFirstToken) * 1000 / 127;
        Assert.Equal(decodeMs / 127, tpotMs, 6);
        Assert.Equal(1.0 + 5.709 + 5.2e-5 * 576, tpotMs, 6);
        Assert.Equal(128, request.GeneratedTokens);
        Assert.Equal(RequestState.Finished, request.State);
        Assert.Equal(engine.TotalBlocks, engine.FreeBlocks);
    }

    [Fact]
    public void Max_num_seqs_one_serialises_the_second_request_behind_the_first()
    {
        var engine = new ServingEngine(new EngineConfig { Hardware = H100Llama8B, MaxNumSeqs = 1 });
        var first = new EngineRequest(1, 512, 128);
        var second = new EngineRequest(2, 512, 128);
        engine.Submit(first, 0);
        engine.Submit(second, 0);

        Drain(engine);

        Assert.Equal(first.FinishTime, second.FirstScheduledTime);
        Assert.Equal(first.EndToEnd, second.QueueTime);
        Assert.Equal(first.EndToEnd, second.EndToEnd - second.QueueTime, 9);
    }

    [Fact]
    public void Token_budget_splits_a_long_prompt_into_chunks_and_the_last_chunk_samples_the_first_token()
    {
        var engine = new ServingEngine(new EngineConfig { Hardware = H100Llama8B, MaxNumBatchedTokens = 4096 });
        var request = new EngineRequest(1, 10_000, 4);
        engine.Submit(request, 0);

        var chunks = new List<int>();
        var now = 0.0;
        while (double.IsNaN(request.FirstTokenTime) && engine.TryBeginStep(now, out var end))
        {
            chunks.Add(engine.LastStep.PrefillTokens);
            engine.CompleteStep();
            now = end;
        }

        Assert.Equal([4096, 4096, 1808], chunks);
        var expectedMs = StepMs(4096, 0, 4096 * 2048.0) + StepMs(4096, 0, 4096 * (4096 + 2048.0)) + StepMs(1808, 0, 1808 * (8192 + 904.0));
        Assert.Equal(expectedMs, request.TimeToFirstToken * 1000, 6);
        Assert.Equal(1, request.GeneratedTokens);
    }

    [Fact]
    public void A_decode_step_shares_the_budget_with_a_prefill_chunk_of_a_newcomer()
    {
        var engine = new ServingEngine(new EngineConfig { Hardware = H100Llama8B, MaxNumSeqs = 256, MaxNumBatchedTokens = 1000 });
        var old = new EngineRequest(1, 100, 10);
        engine.Submit(old, 0);
        Assert.True(engine.TryBeginStep(0, out var end));
        engine.CompleteStep();
        engine.Submit(new EngineRequest(2, 5000, 10), end);

        Assert.True(engine.TryBeginStep(end, out _));

        Assert.Equal(new StepInfo(end, engine.LastStep.End, 2, 1000, 999, 1, 0, 0), engine.LastStep);
        Assert.Equal(end + StepMs(1000, 101, 999 * 499.5) / 1000, engine.LastStep.End, 9);
    }

    [Fact]
    public void Kv_exhaustion_preempts_the_newest_request_which_is_recomputed_and_still_finishes()
    {
        // 10 blocks of 16 tokens: two requests of 64 + 64 tokens (8 blocks each at the end) cannot both fit.
        var tiny = H100Llama8B with { GpuMemoryBytes = 1_000_000, WeightsBytes = 0, KvBytesPerToken = 5_000, MaxModelLen = 160 };
        var config = new EngineConfig { Hardware = tiny, GpuMemoryUtilization = 1.0 };
        Assert.Equal(12, config.KvBlocks);
        config = config with { GpuMemoryUtilization = 10 * 16 * 5_000 / 1_000_000.0 };
        Assert.Equal(10, config.KvBlocks);
        var engine = new ServingEngine(config);
        var older = new EngineRequest(1, 64, 64);
        var newer = new EngineRequest(2, 64, 64);
        engine.Submit(older, 0);
        engine.Submit(newer, 0);

        Drain(engine);

        Assert.True(engine.TotalPreemptions >= 1);
        Assert.Equal(0, older.Preemptions);
        Assert.True(newer.Preemptions >= 1);
        Assert.Equal(64, older.GeneratedTokens);
        Assert.Equal(64, newer.GeneratedTokens);
        Assert.Equal(RequestState.Finished, newer.State);
        // The victim resumed only after the older request released its blocks.
        Assert.True(newer.FinishTime > older.FinishTime);
        Assert.Equal(engine.TotalBlocks, engine.FreeBlocks);
    }

    [Fact]
    public void Preempted_request_goes_back_to_the_front_of_waiting_and_loses_its_blocks()
    {
        var tiny = H100Llama8B with { GpuMemoryBytes = 800_000, WeightsBytes = 0, KvBytesPerToken = 5_000, MaxModelLen = 160 };
        var engine = new ServingEngine(new EngineConfig { Hardware = tiny, GpuMemoryUtilization = 1.0 });
        Assert.Equal(10, engine.TotalBlocks);
        var older = new EngineRequest(1, 64, 64);
        var newer = new EngineRequest(2, 64, 64);
        var late = new EngineRequest(3, 16, 4);
        engine.Submit(older, 0);
        engine.Submit(newer, 0);
        var now = 0.0;
        while (newer.Preemptions == 0 && engine.TryBeginStep(now, out var end))
        {
            engine.CompleteStep();
            now = end;
            if (late.State == RequestState.Created)
            {
                engine.Submit(late, now);
            }
        }

        Assert.Equal(RequestState.Waiting, newer.State);
        Assert.Equal(2, engine.NumWaiting);
        Assert.Equal(1, engine.NumRunning);
        // Preempted at 80 context tokens: it had produced 17 tokens, all of them to be recomputed with the prompt.
        Assert.Equal(17, newer.GeneratedTokens);
    }

    [Fact]
    public void A_request_joins_no_step_that_started_before_it_arrived()
    {
        // What a real-time driver meets when it wakes late: the next step starts at the model time the last one ended,
        // but a request stamped after that moment is already queued. It waits for the step after, as in virtual time.
        var engine = new ServingEngine(new EngineConfig { Hardware = H100Llama8B });
        var first = new EngineRequest(1, 512, 2);
        engine.Submit(first, 0);
        Assert.True(engine.TryBeginStep(engine.NextStepStart(0), out var prefillEnd));
        engine.CompleteStep();
        var late = new EngineRequest(2, 512, 2);
        engine.Submit(late, prefillEnd + 0.0005);

        Assert.Equal(prefillEnd, engine.NextStepStart(prefillEnd));
        Assert.True(engine.TryBeginStep(prefillEnd, out var decodeEnd));
        Assert.Equal(1, engine.LastStep.Sequences);
        Assert.Equal(RequestState.Waiting, late.State);
        engine.CompleteStep();
        Assert.Equal(RequestState.Finished, first.State);

        // It arrived while that step ran, so it starts as soon as the GPU is free.
        Assert.Equal(decodeEnd, engine.NextStepStart(decodeEnd));
        Assert.True(engine.TryBeginStep(decodeEnd, out _));
        Assert.Equal(decodeEnd, late.FirstScheduledTime);

        // An idle engine starts at the arrival, not when the GPU became free before it; with nothing to do, never.
        var idle = new ServingEngine(new EngineConfig { Hardware = H100Llama8B });
        Assert.Equal(double.PositiveInfinity, idle.NextStepStart(0.1));
        idle.Submit(new EngineRequest(3, 16, 1), 0.25);
        Assert.Equal(0.25, idle.NextStepStart(0.1));
        Assert.Equal(0.3, idle.NextStepStart(0.3));
    }

    [Fact]
    public void Admission_limits_refuse_requests_beyond_the_in_flight_and_queued_token_bounds()
    {
        var byCount = new ServingEngine(new EngineConfig { Hardware = H100Llama8B, MaxNumQueuedReqs = 2 });
        Assert.Equal(Admission.Accepted, byCount.Submit(new EngineRequest(1, 512, 8), 0));
        Assert.Equal(Admission.Accepted, byCount.Submit(new EngineRequest(2, 512, 8), 0));
        var refused = new EngineRequest(3, 512, 8);
        Assert.Equal(Admission.QueueFull, byCount.Submit(refused, 0));
        Assert.Equal(RequestState.Rejected, refused.State);

        var byTokens = new ServingEngine(new EngineConfig { Hardware = H100Llama8B, MaxNumQueuedTokens = 1000 });
        Assert.Equal(Admission.Accepted, byTokens.Submit(new EngineRequest(1, 600, 8), 0));
        Assert.Equal(Admission.QueueFull, byTokens.Submit(new EngineRequest(2, 600, 8), 0));
        Assert.Equal(Admission.Accepted, byTokens.Submit(new EngineRequest(3, 400, 8), 0));

        // vLLM counts requests in flight, waiting plus running (vllm-project/vllm#49445): moving into the running batch
        // frees nothing, a finished request does.
        Assert.True(byCount.TryBeginStep(0, out var now));
        byCount.CompleteStep();
        Assert.Equal(2, byCount.NumRunning);
        Assert.Equal(Admission.QueueFull, byCount.Submit(new EngineRequest(4, 512, 8), now));
        while (byCount.NumRunning + byCount.NumWaiting == 2)
        {
            Assert.True(byCount.TryBeginStep(now, out now));
            byCount.CompleteStep();
        }
        Assert.Equal(Admission.Accepted, byCount.Submit(new EngineRequest(5, 512, 8), now));
    }

    [Fact]
    public void Queued_tokens_count_a_prompt_until_its_first_token_even_once_it_runs()
    {
        // vLLM caps the prompt tokens of requests still in their prefill phase (vllm-project/vllm#49445): a 10,000-token
        // prompt chunked over two steps of an 8192-token budget still counts after its first chunk ran.
        var engine = new ServingEngine(new EngineConfig { Hardware = H100Llama8B, MaxNumSeqs = 256, MaxNumQueuedTokens = 10_500 });
        Assert.Equal(Admission.Accepted, engine.Submit(new EngineRequest(1, 10_000, 8), 0));
        Assert.True(engine.TryBeginStep(0, out var now));
        engine.CompleteStep();
        Assert.Equal(1, engine.NumRunning);
        Assert.Equal(Admission.QueueFull, engine.Submit(new EngineRequest(2, 600, 8), now));

        Assert.True(engine.TryBeginStep(now, out now));
        engine.CompleteStep();
        // The prompt is done and its first token out: its tokens no longer count.
        Assert.Equal(Admission.Accepted, engine.Submit(new EngineRequest(3, 600, 8), now));
    }

    [Fact]
    public void Prompt_plus_max_tokens_over_max_model_len_is_refused_as_too_long()
    {
        var engine = new ServingEngine(new EngineConfig { Hardware = H100Llama8B, MaxModelLen = 1024 });
        Assert.Equal(Admission.TooLong, engine.Submit(new EngineRequest(1, 1000, 25), 0));
        Assert.Equal(Admission.Accepted, engine.Submit(new EngineRequest(2, 1000, 24), 0));
    }

    [Fact]
    public void Abort_frees_the_blocks_of_a_running_request_and_discards_its_token_in_flight()
    {
        var engine = new ServingEngine(new EngineConfig { Hardware = H100Llama8B });
        var request = new EngineRequest(1, 512, 128);
        engine.Submit(request, 0);
        Assert.True(engine.TryBeginStep(0, out var end));
        engine.CompleteStep();
        Assert.True(engine.TryBeginStep(end, out _));
        Assert.Equal(33, engine.TotalBlocks - engine.FreeBlocks); // 512 tokens in 32 blocks, the 513th opens a 33rd

        Assert.True(engine.Abort(request, end + 0.001));
        engine.CompleteStep();

        Assert.Equal(RequestState.Aborted, request.State);
        Assert.Equal(1, request.GeneratedTokens);
        Assert.Equal(engine.TotalBlocks, engine.FreeBlocks);
        Assert.False(engine.HasWork);
    }

    [Fact]
    public void Kv_blocks_follow_vllms_sizing_formula()
    {
        var config = new EngineConfig { Hardware = H100Llama8B };
        // floor((81559 MiB · 0.9 − 15 GiB) / (128 KiB · 16))
        var expected = (int)Math.Floor((81559.0 * 1048576 * 0.9 - 15.0 * 1073741824) / (131072.0 * 16));
        Assert.Equal(expected, config.KvBlocks);
    }

    [Fact]
    public void A_model_len_beyond_the_kv_cache_is_refused_at_start_as_vllm_does()
    {
        var config = new EngineConfig { Hardware = HardwareProfiles.Default.Find("H100-SXM-80GB", "llama-3.1-70b-fp8") };
        var error = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Contains("decreasing --max-model-len", error.Message);
        (config with { MaxModelLen = 8192 }).Validate();
    }
}
