// Drives the engine in real time on a dedicated thread: each step ends when the step-time model says, waited for precisely.
using System.Diagnostics;
using Lab.ServingSim.Engine.Scheduling;
using Lab.ServingSim.Engine.Simulation;
using Microsoft.Extensions.Logging;

namespace Lab.ServingSim.Serving;

/// <summary>
/// Time is the injected TimeProvider's, in seconds since the loop was created. Steps chain on the model's schedule:
/// the next step starts at the previous step's model end (or at the latest arrival, if later), not at the moment the
/// thread woke, so wake-up jitter never accumulates; how late each step's end was actually reached is measured.
/// Waiting: a coarse sleep until ~1.5 ms before the end, then yielding/spinning to the exact moment.
/// </summary>
internal sealed class RealTimeEngineLoop : IEngineListener, IDisposable
{
    private const double SpinWindowSeconds = 0.0015;

    private readonly ServingEngine _engine;
    private readonly TimeProvider _time;
    private readonly ServerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly long _origin;
    private readonly Lock _gate = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly Thread _thread;
    private IntervalHistogram _lateness = new();
    private double _maxLateness;
    private volatile bool _stopping;
    private double _latestArrival;
    private long _nextId;

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

    public bool IsRunning => _thread.IsAlive && Fault is null;

    public Exception? Fault { get; private set; }

    public long NextRequestId() => Interlocked.Increment(ref _nextId);

    public void Start() => _thread.Start();

    public Admission Submit(EngineRequest request)
    {
        Admission admission;
        lock (_gate)
        {
            var now = Now;
            admission = _engine.Submit(request, now);
            if (admission == Admission.Accepted)
            {
                _latestArrival = Math.Max(_latestArrival, now);
            }
        }
        if (admission == Admission.Accepted)
        {
            _wake.Set();
        }
        else if (admission == Admission.QueueFull)
        {
            _metrics.OnRejected();
        }
        return admission;
    }

    public void Abort(EngineRequest request)
    {
        lock (_gate)
        {
            _engine.Abort(request, Now);
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
        try
        {
            var inFlight = false;
            double stepEnd = 0;
            while (!_stopping)
            {
                if (inFlight)
                {
                    WaitUntil(stepEnd);
                    var lateness = Now - stepEnd;
                    StepInfo step;
                    lock (_gate)
                    {
                        _engine.CompleteStep();
                        step = _engine.LastStep;
                        // A step that ends exactly on time is counted in the smallest bucket (1 ns).
                        _lateness.Add(Math.Max(lateness, 1e-9));
                        _maxLateness = Math.Max(_maxLateness, lateness);
                    }
                    inFlight = false;
                    _metrics.OnStep(step, lateness);
                }
                lock (_gate)
                {
                    if (_engine.HasWork)
                    {
                        var start = Math.Max(stepEnd, _latestArrival);
                        inFlight = _engine.TryBeginStep(start, out stepEnd);
                    }
                }
                if (!inFlight)
                {
                    _wake.WaitOne(TimeSpan.FromMilliseconds(200));
                }
            }
        }
        catch (Exception e)
        {
            Fault = e;
            _logger.LogCritical(e, "The serving engine loop stopped");
        }
    }

    private void WaitUntil(double target)
    {
        while (true)
        {
            var remaining = target - Now;
            if (remaining <= 0)
            {
                return;
            }
            if (remaining > SpinWindowSeconds + 0.001)
            {
                Thread.Sleep((int)((remaining - SpinWindowSeconds) * 1000));
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
    }

    public void OnToken(EngineRequest request, double time)
    {
        _metrics.OnToken(request);
        (request.Tag as InferenceStream)?.Emit(request.GeneratedTokens);
    }

    public void OnFinished(EngineRequest request, double time)
    {
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
        _stopping = true;
        _wake.Set();
        if (_thread.IsAlive)
        {
            _thread.Join(TimeSpan.FromSeconds(5));
        }
        _wake.Dispose();
    }

    private int _disposed;
}
