namespace Lab.ServingSim.Engine.Simulation;

/// <summary>The workload's token shape and the client's patience, for a virtual-time run.</summary>
public sealed record SimulationOptions
{
    public int PromptTokens { get; init; } = 512;
    public int OutputTokens { get; init; } = 128;

    /// <summary>A client gives up (aborting the request in the engine) this long after sending; infinity waits forever.</summary>
    public double TimeoutSeconds { get; init; } = double.PositiveInfinity;

    /// <summary>Keep every request's timings in the report (memory grows with the request count).</summary>
    public bool RecordRequests { get; init; }
}

/// <summary>Why a scheduled request did not succeed in a virtual-time run.</summary>
public enum DropReason { None, Timeout, Rejected }

/// <summary>One request as the simulated client saw it (seconds from the run's origin).</summary>
public sealed record SimulatedRequest(
    long Id,
    double Arrival,
    double QueueTime,
    double PrefillTime,
    double DecodeTime,
    double TimeToFirstToken,
    double EndToEnd,
    int OutputTokens,
    int Preemptions,
    DropReason Dropped,
    IReadOnlyList<double>? TokenTimes);
