// The run plan from an experiment's case (README "Run plan"): how scale cuts it, where its trace file is, and the exact
// send offsets; the orchestrator, the what-if and the planner all schedule through here, so they plan the same requests.
using Lab.Contracts.Experiments;

namespace Lab.Evidence;

public sealed record RunSchedule(RunScaling Scaling, double[] OffsetsSeconds)
{
    public int Scheduled => OffsetsSeconds.Length;

    /// <summary>The same case, scale, seed and files always give the same offsets.</summary>
    public static RunSchedule Plan(CaseDefinition @case, double scale, long seed, string? experimentsDirectory)
    {
        var scaling = CaseScaling.Scale(@case, scale);
        var arrival = ResolveTraceFile(@case.Arrival, experimentsDirectory);
        return new RunSchedule(scaling, ArrivalSchedule.Plan(arrival, scaling.RunDurationSeconds, seed));
    }

    /// <summary>A relative trace file is relative to the experiments directory the definition was read from.</summary>
    public static ArrivalDefinition ResolveTraceFile(ArrivalDefinition arrival, string? experimentsDirectory) =>
        arrival.TraceFile is { } trace && experimentsDirectory is not null && !Path.IsPathRooted(trace)
            ? arrival with { TraceFile = Path.Combine(experimentsDirectory, trace) }
            : arrival;
}
