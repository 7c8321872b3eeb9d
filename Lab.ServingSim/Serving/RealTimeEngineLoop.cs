// Drives the engine in real time on a dedicated thread: each step ends when the step-time model says, waited for precisely.
using Lab.ServingSim.Engine.Scheduling;
using Lab.ServingSim.Engine.Simulation;
using Microsoft.Extensions.Logging;

namespace Lab.ServingSim.Serving;

/// <summary>
/// Time is the injected TimeProvider's, in seconds since the loop was created. The schedule is the model's, never the
/// thread's: a step starts at the previous step's model end (or, after idling, at the first waiting request's arrival)
/// and admits only requests that had arrived by then, as the virtual-time simulation does. A late wake-up therefore
/// delays when tokens are handed out (measured as lateness) but never changes which step a request joins or the times
/// it reports. Waiting for a step's end: a coarse sleep until ~1.5 ms before it, then yielding/spinning to the moment.
/// Idle: the loop checks for work and waits on the same monitor that Submit pulses, so no arrival is missed.
/// If the loop fails or is stopped, every open request's stream ends with an <see cref="EngineStoppedException"/>,
/// Submit refuses new ones and <see cref="IsRunning"/> (read by /health) turns false.
/// </summary>
internal sealed class RealTimeEngineLoop : IEngineListener, IDisposable
{
    private const double SpinWindowSeconds = 0.0015;
    // Sleep in slices no longer than this, so a shutdown never waits for a long step to end.
    private const double MaxSleepSeconds = 0.1;

    private readonly ServingEngine _engine;
    private readonly TimeProvider _time;
    private readonly ServerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly long _origin;
    private readonly object _gate = new();
    private readonly HashSet<EngineRequest> _open = [];
    private readonly Thread _thread;
    private IntervalHistogram _lateness = new();
    private double _maxLateness;
    private volatile bool _stopping;
    private volatile bool _stopped;
    private volatile Exception? _fault;
    private long _nextId;
    private int _disposed;

    public RealTimeEngineLoop(EngineConfig config, TimeProvider time, ServerMetrics metrics, ILogger<RealTimeEngineLoop> logger)
    {
        _engine = new ServingEngine(config, this);
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _origin = time.GetTimestamp();
        _thread = new Thread(Run) { IsBackground = true, Name = "serving-engine", Priority = ThreadPriority.AboveNormal };
    }

    public EngineConfig Config => _engine.Config;

    /// <summary>Seconds since the loop was created, on the injected clock.</summary>
    public double Now => _time.GetElapsedTime(_origin).TotalSeconds;

    /// <summary>True while the engine thread is stepping: started, not stopped, not failed.</summary>
    public bool IsRunning => _thread.IsAlive && !_stopped;

    /// <summary>The exception that stopped the loop, if it failed.</summary>
    public Exception? Fault => _fault;

    public long NextRequestId() => Interlocked.Increment(ref _nextId);

    public void Start() => _thread.Start();

    /// <summary>Stamps the arrival and queues the request; throws <see cref="EngineStoppedException"/> once the loop has ended.</summary>
    public Admission Submit(EngineRequest request)
    {
        Admission admission;
        lock (_gate)
        {
            if (_stopped)
            {
                throw Stopped();
            }
            admission = _engine.Submit(request, Now);
            if (admission == Admission.Accepted)
            {
                _open.Add(request);
                Monitor.Pulse(_gate);
            }
        }
        if (admission == Admission.QueueFull)
        {
            _metrics.OnRejected();
        }
        return admission;
    }

    /// <summary>The client gave up: frees the request's blocks. Idempotent; a no-op once the request has left or the loop has stopped.</summary>
    public void Abort(EngineRequest request)
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                _engine.Abort(request, Now);
            }
        }
    }

    public EngineSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new EngineSnapshot(_engine.NumRunning, _engine.NumWaiting, _engine.KvCacheUsage, _engine.TotalPreemptions);
        }
    }

    /// <summary>p50/p99 (nearest rank, 0.025 % buckets) and max of step lateness in seconds since start or the last reset.</summary>
    public (LatencySummary Summary, double Max, long Steps) Lateness(bool reset = false)
    {
        lock (_gate)
        {
            var result = (_lateness.Summarize(), _maxLateness, _lateness.Count);
            if (reset)
            {
                _lateness = new IntervalHistogram();
                _maxLateness = 0;
            }
            return result;
        }
    }

    private void Run()
    {
        Exception? fault = null;
        try
        {
            double free = 0; // the model time at which the last step ended
            while (true)
            {
                double end;
                lock (_gate)
                {
                    var start = _engine.NextStepStart(free);
                    // Checked under the gate that Submit pulses under, so an arrival cannot slip in between.
                    while (!_stopping && double.IsPositiveInfinity(start))
                    {
                        Monitor.Wait(_gate);
                        start = _engine.NextStepStart(free);
                    }
                    if (_stopping)
                    {
                        break;
                    }
                    if (!_engine.TryBeginStep(start, out end))
                    {
                        // Cannot happen with a valid config (one request always fits); fail loudly rather than spin.
                        throw new InvalidOperationException(
                            $"The engine has {_engine.NumRunning} running and {_engine.NumWaiting} waiting requests but scheduled nothing at {start:F6} s.");
                    }
                }
                if (!WaitUntil(end))
                {
                    break;
                }
                var lateness = Now - end;
                StepInfo step;
                lock (_gate)
                {
                    _engine.CompleteStep();
                    step = _engine.LastStep;
                    // A step that ends exactly on time is counted in the smallest bucket (1 ns).
                    _lateness.Add(Math.Max(lateness, 1e-9));
                    _maxLateness = Math.Max(_maxLateness, lateness);
                }
                free = end;
                _metrics.OnStep(step, lateness);
            }
        }
        catch (Exception e)
        {
            fault = e;
            _logger.LogCritical(e, "The serving engine loop failed; open requests end with an error and /health reports unhealthy");
        }
        finally
        {
            EndOpenRequests(fault);
        }
    }

    /// <summary>Waits until the model time target; false if the loop is asked to stop first.</summary>
    private bool WaitUntil(double target)
    {
        while (!_stopping)
        {
            var remaining = target - Now;
            if (remaining <= 0)
            {
                return true;
            }
            if (remaining > SpinWindowSeconds + 0.001)
            {
                Thread.Sleep((int)(Math.Min(remaining - SpinWindowSeconds, MaxSleepSeconds) * 1000));
            }
            else if (remaining > 0.0002)
            {
                Thread.Yield();
            }
            else
            {
                Thread.SpinWait(50);
            }
        }
        return false;
    }

    /// <summary>Marks the loop stopped and ends every open request's stream with the reason, so no HTTP response hangs.</summary>
    private void EndOpenRequests(Exception? fault)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            _fault = fault;
            _stopped = true;
            foreach (var request in _open)
            {
                (request.Tag as InferenceStream)?.Fail(Stopped());
            }
            _open.Clear();
        }
    }

    private EngineStoppedException Stopped() => _fault is { } fault
        ? new EngineStoppedException($"The serving engine failed: {fault.GetType().Name}: {fault.Message}", fault)
        : new EngineStoppedException("The serving engine has stopped: the server is shutting down.", null);

    public void OnToken(EngineRequest request, double time)
    {
        _metrics.OnToken(request);
        (request.Tag as InferenceStream)?.Emit(request.GeneratedTokens);
    }

    public void OnFinished(EngineRequest request, double time)
    {
        _open.Remove(request); // always under the gate: called from CompleteStep or Abort
        _metrics.OnFinished(request);
        (request.Tag as InferenceStream)?.Complete();
    }

    public void Dispose()
    {
        // Called by the hosted service at shutdown and again by the container: only the first call acts.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        if (_thread.ThreadState.HasFlag(ThreadState.Unstarted))
        {
            EndOpenRequests(null);
        }
        else
        {
            _thread.Join(TimeSpan.FromSeconds(5));
        }
    }
}
