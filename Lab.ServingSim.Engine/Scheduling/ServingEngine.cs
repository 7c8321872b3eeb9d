// vLLM V1's scheduler loop as a state machine: the driver (virtual or real time) passes the time, the engine never reads a clock.
using Lab.ServingSim.Engine.Hardware;

namespace Lab.ServingSim.Engine.Scheduling;

public enum Admission { Accepted, TooLong, QueueFull }

/// <summary>What one step scheduled and how long the model says it takes.</summary>
public readonly record struct StepInfo(
    double Start, double End, int Sequences, int Tokens, int PrefillTokens, int DecodeTokens, int Waiting, int Preempted);

/// <summary>
/// Continuous batching as vLLM V1 does it. Each step: running requests first, in admission order, each taking its next
/// chunk (one token when decoding) from the max_num_batched_tokens budget; when a request needs a KV block and none is
/// free, the most recently admitted running request is preempted (blocks freed, recomputed later, put at the front of
/// waiting). Then, if nothing was preempted, waiting requests that arrived by the step's start are admitted FCFS while
/// budget, max_num_seqs and blocks allow, a long prompt taking a chunk of what budget is left. A step that completes a
/// request's prefill samples its first token; every other step samples one token per decoding request. Calls:
/// Submit/Abort any time, TryBeginStep when no step is in flight, CompleteStep at the returned end time.
/// </summary>
public sealed class ServingEngine
{
    private readonly EngineConfig _config;
    private readonly StepTimeModel _model;
    private readonly IEngineListener? _listener;
    private readonly int _blockSize;
    private readonly RequestDeque _waiting = new();
    private EngineRequest[] _running;
    private int _runningCount;
    private readonly EngineRequest[] _scheduled;
    private int _scheduledCount;
    private int _freeBlocks;
    // Prompt tokens of accepted requests still in their prefill phase (no first token yet), what vLLM's
    // --max-num-queued-tokens caps (vllm-project/vllm#49445): released at a request's first token or when it leaves
    // without one; a preempted request that already streamed is not counted again.
    private long _prefillPromptTokens;
    private double _stepStart, _stepEnd;

    public ServingEngine(EngineConfig config, IEngineListener? listener = null)
    {
        config.Validate();
        _config = config;
        _model = new StepTimeModel(config.Hardware);
        _listener = listener;
        _blockSize = config.BlockSize;
        TotalBlocks = config.KvBlocks;
        _freeBlocks = TotalBlocks;
        _running = new EngineRequest[Math.Min(config.MaxNumSeqs, 4096)];
        _scheduled = new EngineRequest[config.MaxNumSeqs];
    }

    public EngineConfig Config => _config;
    public StepTimeModel Model => _model;
    public int TotalBlocks { get; }
    public int FreeBlocks => _freeBlocks;
    public double KvCacheUsage => TotalBlocks == 0 ? 0 : 1.0 - (double)_freeBlocks / TotalBlocks;
    public int NumRunning => _runningCount;
    public int NumWaiting => _waiting.Count;
    public bool HasWork => _runningCount > 0 || _waiting.Count > 0;
    public bool StepInFlight { get; private set; }
    public long TotalPreemptions { get; private set; }
    public long TotalSteps { get; private set; }
    public StepInfo LastStep { get; private set; }

    /// <summary>
    /// When the next step can start if the GPU is free from <paramref name="free"/> on: then, when anything is running;
    /// otherwise at the first waiting request's arrival if that is later; +∞ when there is nothing to do.
    /// </summary>
    public double NextStepStart(double free) =>
        _runningCount > 0 ? free
        : _waiting.Count > 0 ? Math.Max(free, _waiting.PeekFront().ArrivalTime)
        : double.PositiveInfinity;

    /// <summary>Queues a request (vLLM's add_request) or says why not: TooLong → 400, QueueFull → 503.</summary>
    public Admission Submit(EngineRequest request, double now)
    {
        if (request.State != RequestState.Created)
        {
            throw new InvalidOperationException($"Request {request.Id} was already submitted.");
        }
        request.ArrivalTime = now;
        if (request.PromptTokens + request.OutputTokens > _config.EffectiveMaxModelLen)
        {
            request.State = RequestState.Rejected;
            return Admission.TooLong;
        }
        // vLLM's --max-num-queued-reqs caps requests in flight, waiting plus running, checked as a request is added
        // (vllm-project/vllm#49445, AsyncLLM.add_request); a preempted request stays in flight, so it never counts twice.
        if ((_config.MaxNumQueuedReqs is { } maxReqs && _waiting.Count + _runningCount >= maxReqs)
            || (_config.MaxNumQueuedTokens is { } maxTokens && _prefillPromptTokens + request.PromptTokens > maxTokens))
        {
            request.State = RequestState.Rejected;
            return Admission.QueueFull;
        }
        request.State = RequestState.Waiting;
        _waiting.PushBack(request);
        _prefillPromptTokens += request.PromptTokens;
        return Admission.Accepted;
    }

    /// <summary>
    /// Client gave up: a waiting request leaves at once; a running one frees its blocks now, or at the end of the step in
    /// flight (whose token for it is discarded). Returns false when the request had already left.
    /// </summary>
    public bool Abort(EngineRequest request, double now)
    {
        switch (request.State)
        {
            case RequestState.Waiting:
                _waiting.Remove(request);
                Finish(request, FinishReason.Abort, RequestState.Aborted, now);
                return true;
            case RequestState.Running when StepInFlight && request.ScheduledTokens > 0:
                request.AbortRequested = true;
                return true;
            case RequestState.Running:
                RemoveRunning(request);
                Finish(request, FinishReason.Abort, RequestState.Aborted, now);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Schedules one step at now; false when nothing can run (idle). end is when its tokens come out.</summary>
    public bool TryBeginStep(double now, out double end)
    {
        if (StepInFlight)
        {
            throw new InvalidOperationException("A step is already in flight; call CompleteStep first.");
        }
        end = now;
        var budget = _config.MaxNumBatchedTokens;
        var tokens = 0;
        var prefillTokens = 0;
        long decodeContext = 0;
        double prefillPairs = 0;
        var preempted = 0;
        _scheduledCount = 0;

        // Running requests first, in admission order.
        for (var i = 0; i < _runningCount && budget > 0; i++)
        {
            var request = _running[i];
            var chunk = Math.Min(request.TotalTokens - request.ComputedTokens, budget);
            var needed = BlocksFor(request.ComputedTokens + chunk) - request.Blocks;
            var selfPreempted = false;
            while (needed > _freeBlocks)
            {
                var victim = _running[--_runningCount];
                _running[_runningCount] = null!;
                Preempt(victim);
                preempted++;
                if (ReferenceEquals(victim, request))
                {
                    selfPreempted = true;
                    break;
                }
            }
            if (selfPreempted)
            {
                break;
            }
            Schedule(request, chunk, needed, ref budget, ref tokens, ref prefillTokens, ref decodeContext, ref prefillPairs);
        }

        // Then waiting requests, FCFS, unless this step had to preempt (vLLM V1 admits nothing new then).
        if (preempted == 0)
        {
            while (_waiting.Count > 0 && budget > 0 && _runningCount < _config.MaxNumSeqs)
            {
                var request = _waiting.PeekFront();
                if (request.ArrivalTime > now)
                {
                    // Not yet arrived at this step's start: a real-time driver stamps arrivals from its clock and may
                    // begin a step on the model's schedule after the clock has moved past it. FCFS keeps it waiting.
                    break;
                }
                var chunk = Math.Min(request.TotalTokens - request.ComputedTokens, budget);
                var needed = BlocksFor(request.ComputedTokens + chunk) - request.Blocks;
                if (needed > _freeBlocks)
                {
                    break;
                }
                _waiting.PopFront();
                request.State = RequestState.Running;
                if (double.IsNaN(request.FirstScheduledTime))
                {
                    request.FirstScheduledTime = now;
                }
                AddRunning(request);
                Schedule(request, chunk, needed, ref budget, ref tokens, ref prefillTokens, ref decodeContext, ref prefillPairs);
            }
        }

        if (_scheduledCount == 0)
        {
            LastStep = new StepInfo(now, now, 0, 0, 0, 0, _waiting.Count, preempted);
            return false;
        }
        var duration = _model.StepSeconds(tokens, decodeContext, prefillPairs);
        _stepStart = now;
        _stepEnd = end = now + duration;
        StepInFlight = true;
        TotalSteps++;
        LastStep = new StepInfo(now, end, _scheduledCount, tokens, prefillTokens, tokens - prefillTokens, _waiting.Count, preempted);
        return true;
    }

    /// <summary>Ends the step in flight at its end time: samples tokens, finishes requests, frees their blocks.</summary>
    public void CompleteStep()
    {
        if (!StepInFlight)
        {
            throw new InvalidOperationException("No step is in flight.");
        }
        var now = _stepEnd;
        StepInFlight = false;
        var anyLeft = false;
        for (var i = 0; i < _scheduledCount; i++)
        {
            var request = _scheduled[i];
            _scheduled[i] = null!;
            if (request.AbortRequested)
            {
                ReleaseBlocks(request);
                Finish(request, FinishReason.Abort, RequestState.Aborted, now);
                anyLeft = true;
                continue;
            }
            request.ComputedTokens += request.ScheduledTokens;
            request.ScheduledTokens = 0;
            if (request.ComputedTokens < request.TotalTokens)
            {
                continue; // a prefill chunk that does not finish the prompt samples nothing
            }
            request.GeneratedTokens++;
            if (double.IsNaN(request.FirstTokenTime))
            {
                request.FirstTokenTime = now;
                _prefillPromptTokens -= request.PromptTokens;
            }
            request.PreviousTokenTime = request.LastTokenTime;
            request.LastTokenTime = now;
            _listener?.OnToken(request, now);
            if (request.GeneratedTokens >= request.OutputTokens)
            {
                ReleaseBlocks(request);
                Finish(request, request.PlannedFinishReason, RequestState.Finished, now);
                anyLeft = true;
            }
        }
        _scheduledCount = 0;
        if (anyLeft)
        {
            CompactRunning();
        }
    }

    private void Schedule(EngineRequest request, int chunk, int neededBlocks, ref int budget, ref int tokens,
        ref int prefillTokens, ref long decodeContext, ref double prefillPairs)
    {
        _freeBlocks -= neededBlocks;
        request.Blocks += neededBlocks;
        request.ScheduledTokens = chunk;
        _scheduled[_scheduledCount++] = request;
        budget -= chunk;
        tokens += chunk;
        // Decoding: the last sampled token is the only one not yet in the KV cache.
        if (chunk == 1 && request.ComputedTokens == request.TotalTokens - 1 && request.GeneratedTokens > 0)
        {
            decodeContext += request.ComputedTokens + 1;
        }
        else
        {
            prefillTokens += chunk;
            prefillPairs += StepTimeModel.PrefillPairs(chunk, request.ComputedTokens);
        }
    }

    private void Preempt(EngineRequest victim)
    {
        ReleaseBlocks(victim);
        victim.ComputedTokens = 0;
        victim.State = RequestState.Waiting;
        victim.Preemptions++;
        TotalPreemptions++;
        _waiting.PushFront(victim);
    }

    private void Finish(EngineRequest request, FinishReason reason, RequestState state, double now)
    {
        if (double.IsNaN(request.FirstTokenTime))
        {
            _prefillPromptTokens -= request.PromptTokens; // left during its prefill phase
        }
        request.State = state;
        request.FinishReason = reason;
        request.FinishTime = now;
        request.AbortRequested = false;
        _listener?.OnFinished(request, now);
    }

    private void ReleaseBlocks(EngineRequest request)
    {
        _freeBlocks += request.Blocks;
        request.Blocks = 0;
    }

    private int BlocksFor(int tokens) => (tokens + _blockSize - 1) / _blockSize;

    private void AddRunning(EngineRequest request)
    {
        if (_runningCount == _running.Length)
        {
            Array.Resize(ref _running, _running.Length * 2);
        }
        _running[_runningCount++] = request;
    }

    private void RemoveRunning(EngineRequest request)
    {
        ReleaseBlocks(request);
        var index = Array.IndexOf(_running, request, 0, _runningCount);
        Array.Copy(_running, index + 1, _running, index, _runningCount - index - 1);
        _running[--_runningCount] = null!;
    }

    /// <summary>Drops requests that left the running list, keeping admission order (which decides preemption).</summary>
    private void CompactRunning()
    {
        var kept = 0;
        for (var i = 0; i < _runningCount; i++)
        {
            var request = _running[i];
            if (request.State == RequestState.Running)
            {
                _running[kept++] = request;
            }
        }
        Array.Clear(_running, kept, _runningCount - kept);
        _runningCount = kept;
    }
}
