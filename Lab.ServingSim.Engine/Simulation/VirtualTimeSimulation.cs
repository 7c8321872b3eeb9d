// The engine as a discrete-event simulation: time jumps from event to event (arrival, step end, client timeout), no sleeping.
using Lab.ServingSim.Engine.Scheduling;
using Lab.Evidence;

namespace Lab.ServingSim.Engine.Simulation;

public static class VirtualTimeSimulation
{
    /// <summary>Open loop: one request per offset (seconds, ascending), whatever the server's state.</summary>
    public static SimulationReport Run(EngineConfig config, ReadOnlySpan<double> arrivalOffsets, SimulationOptions options)
    {
        for (var i = 1; i < arrivalOffsets.Length; i++)
        {
            if (arrivalOffsets[i] < arrivalOffsets[i - 1])
            {
                throw new ArgumentException("Arrival offsets must be in ascending order.", nameof(arrivalOffsets));
            }
        }
        var driver = new Driver(config, options, arrivalOffsets.Length);
        return driver.Run(arrivalOffsets, closedLoopConcurrency: 0);
    }

    /// <summary>Closed loop: concurrency clients, each sending its next request when the previous ends, requests in all.</summary>
    public static SimulationReport RunClosedLoop(EngineConfig config, int concurrency, int requests, SimulationOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(requests, 0);
        var driver = new Driver(config, options, requests);
        return driver.Run([], closedLoopConcurrency: concurrency);
    }

    private sealed class Driver : IEngineListener
    {
        private readonly SimulationOptions _options;
        private readonly ServingEngine _engine;
        private readonly int _total;
        private readonly double[] _e2e;
        private readonly double[] _ttft;
        private readonly double[] _tpot;
        private readonly double[] _successfulE2e;
        private int _tpotCount;
        private readonly IntervalHistogram _itl = new();
        private readonly RequestDeque _inFlight = new();
        private readonly List<SimulatedRequest>? _records;
        private long _successful, _timedOut, _rejected, _outputTokens;
        private int _pendingClosedLoopSends;
        private double _lastEnd = double.NegativeInfinity;

        public Driver(EngineConfig config, SimulationOptions options, int total)
        {
            if (options.PromptTokens + options.OutputTokens > config.EffectiveMaxModelLen)
            {
                throw new ArgumentException(
                    $"prompt ({options.PromptTokens}) + output ({options.OutputTokens}) tokens exceed max_model_len {config.EffectiveMaxModelLen}.");
            }
            if (!(options.TimeoutSeconds > 0))
            {
                throw new ArgumentException("The timeout must be a positive number of seconds.");
            }
            _options = options;
            _engine = new ServingEngine(config, this);
            _total = total;
            _e2e = new double[total];
            _ttft = new double[total];
            _tpot = new double[total];
            _successfulE2e = new double[total];
            _records = options.RecordRequests ? new List<SimulatedRequest>(total) : null;
        }

        public SimulationReport Run(ReadOnlySpan<double> arrivals, int closedLoopConcurrency)
        {
            var closedLoop = closedLoopConcurrency > 0;
            _pendingClosedLoopSends = closedLoop ? Math.Min(closedLoopConcurrency, _total) : 0;
            var issued = 0;
            var now = closedLoop || arrivals.Length == 0 ? 0.0 : arrivals[0];
            var firstArrival = now;
            double stepEnd = 0, batchSum = 0;
            var maxWaiting = 0;
            var maxRunning = 0;
            var maxStepTokens = 0;
            var timeout = _options.TimeoutSeconds;

            while (true)
            {
                if (!_engine.StepInFlight && _engine.HasWork && _engine.TryBeginStep(now, out stepEnd))
                {
                    var step = _engine.LastStep;
                    batchSum += step.Sequences;
                    maxWaiting = Math.Max(maxWaiting, step.Waiting);
                    maxRunning = Math.Max(maxRunning, _engine.NumRunning);
                    maxStepTokens = Math.Max(maxStepTokens, step.Tokens);
                }
                var nextStep = _engine.StepInFlight ? stepEnd : double.PositiveInfinity;
                var nextArrival = issued >= _total
                    ? double.PositiveInfinity
                    : closedLoop ? (_pendingClosedLoopSends > 0 ? now : double.PositiveInfinity) : arrivals[issued];
                var nextDeadline = NextDeadline(timeout);

                if (nextStep <= nextArrival && nextStep <= nextDeadline && !double.IsPositiveInfinity(nextStep))
                {
                    now = nextStep;
                    _engine.CompleteStep();
                }
                else if (nextArrival <= nextDeadline && !double.IsPositiveInfinity(nextArrival))
                {
                    now = nextArrival;
                    if (closedLoop)
                    {
                        _pendingClosedLoopSends--;
                    }
                    Send(issued++, now, timeout);
                    maxWaiting = Math.Max(maxWaiting, _engine.NumWaiting);
                }
                else if (!double.IsPositiveInfinity(nextDeadline))
                {
                    now = nextDeadline;
                    GiveUp(_inFlight.PopFront(), now);
                }
                else
                {
                    break;
                }
            }

            return BuildReport(firstArrival, batchSum, maxWaiting, maxRunning, maxStepTokens);
        }

        private double NextDeadline(double timeout)
        {
            // Deadlines are in send order (one timeout for all); requests that already ended are skipped lazily.
            while (_inFlight.Count > 0 && _inFlight.PeekFront().State is RequestState.Finished or RequestState.Aborted)
            {
                _inFlight.PopFront();
            }
            return _inFlight.Count == 0 ? double.PositiveInfinity : _inFlight.PeekFront().ArrivalTime + timeout;
        }

        private void Send(int index, double now, double timeout)
        {
            var request = new EngineRequest(index, _options.PromptTokens, _options.OutputTokens);
            if (_records is not null)
            {
                request.Tag = new List<double>(_options.OutputTokens);
            }
            if (_engine.Submit(request, now) == Admission.Accepted)
            {
                if (!double.IsPositiveInfinity(timeout))
                {
                    _inFlight.PushBack(request);
                }
                return;
            }
            // Refused at once (a 503 in real life): given up at the moment of refusal, as the lab's definition says.
            _rejected++;
            Record(request, DropReason.Rejected, 0, 0, now);
        }

        private void GiveUp(EngineRequest request, double now)
        {
            _timedOut++;
            var waited = now - request.ArrivalTime;
            var ttft = double.IsNaN(request.FirstTokenTime) ? waited : request.TimeToFirstToken;
            request.Tag ??= DroppedMarker;
            Record(request, DropReason.Timeout, waited, ttft, now);
            _engine.Abort(request, now);
        }

        private static readonly object DroppedMarker = new();

        public void OnToken(EngineRequest request, double time)
        {
            if (request.GeneratedTokens > 1)
            {
                _itl.Add(time - request.PreviousTokenTime);
            }
            (request.Tag as List<double>)?.Add(time);
        }

        public void OnFinished(EngineRequest request, double time)
        {
            if (request.FinishReason == FinishReason.Abort)
            {
                return; // only clients abort here, and GiveUp already recorded them
            }
            _successfulE2e[_successful++] = request.EndToEnd;
            _outputTokens += request.GeneratedTokens;
            if (RequestTiming.Tpot(request.EndToEnd, request.TimeToFirstToken, request.GeneratedTokens) is { } tpot)
            {
                _tpot[_tpotCount++] = tpot;
            }
            Record(request, DropReason.None, request.EndToEnd, request.TimeToFirstToken, time);
        }

        private void Record(EngineRequest request, DropReason dropped, double e2e, double ttft, double end)
        {
            var index = (int)request.Id;
            _e2e[index] = e2e;
            _ttft[index] = ttft;
            _lastEnd = Math.Max(_lastEnd, end);
            _pendingClosedLoopSends++;
            _records?.Add(new SimulatedRequest(
                request.Id, request.ArrivalTime, request.QueueTime, request.PrefillTime, request.DecodeTime, ttft, e2e,
                request.GeneratedTokens, request.Preemptions, dropped, request.Tag as List<double>));
        }

        private SimulationReport BuildReport(double firstArrival, double batchSum, int maxWaiting, int maxRunning, int maxStepTokens)
        {
            var duration = _total == 0 ? 0 : Math.Max(_lastEnd - firstArrival, 0);
            var steps = _engine.TotalSteps;
            return new SimulationReport
            {
                Scheduled = _total,
                Successful = _successful,
                Dropped = _timedOut + _rejected,
                DroppedTimeout = _timedOut,
                DroppedRejected = _rejected,
                RequestsPerSecond = duration > 0 ? _successful / duration : 0,
                OutputTokensPerSecond = duration > 0 ? _outputTokens / duration : 0,
                TtftMs = LatencyMs.From(LatencySummary.Of(_ttft)),
                TpotMs = LatencyMs.From(LatencySummary.Of(_tpot.AsSpan(0, _tpotCount))),
                ItlMs = LatencyMs.From(_itl.Summarize()),
                E2eMs = LatencyMs.From(LatencySummary.Of(_e2e)),
                E2eSuccessfulMs = LatencyMs.From(LatencySummary.Of(_successfulE2e.AsSpan(0, (int)_successful))),
                MeanBatchSize = steps > 0 ? Math.Round(batchSum / steps, 3) : 0,
                MaxWaiting = maxWaiting,
                MaxRunning = maxRunning,
                MaxStepTokens = maxStepTokens,
                Preemptions = _engine.TotalPreemptions,
                Steps = steps,
                KvCacheBlocks = _engine.TotalBlocks,
                DurationSeconds = Math.Round(duration, 6),
                Requests = (IReadOnlyList<SimulatedRequest>?)_records ?? [],
            };
        }
    }
}
