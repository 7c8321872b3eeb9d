// From a case, scale and seed to the exact schedule of a run (pure; the same inputs always give the same plan).
using Lab.Contracts.Experiments;
using Lab.Experiments.Arrivals;

namespace Lab.Orchestrator.Planning;

public sealed record RunPlan(double DurationSeconds, double[] OffsetsSeconds, IReadOnlyList<ShardPlan> Shards)
{
    public int Scheduled => OffsetsSeconds.Length;
    public double LastOffsetSeconds => OffsetsSeconds.Length == 0 ? 0 : OffsetsSeconds[^1];
}

public static class RunPlanner
{
    /// <summary>Scale shortens the duration and keeps the rates, so a 0.1 run is the first tenth of the same process.</summary>
    public static RunPlan Plan(CaseDefinition @case, double scale, long seed, string? experimentsDirectory)
    {
        if (!(scale > 0) || scale > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be in (0, 1]");
        }
        var arrival = @case.Arrival;
        if (arrival.TraceFile is { } trace && experimentsDirectory is not null && !Path.IsPathRooted(trace))
        {
            arrival = arrival with { TraceFile = Path.Combine(experimentsDirectory, trace) };
        }
        var duration = @case.DurationSeconds * scale;
        var offsets = ArrivalSchedule.Plan(arrival, duration, seed);
        return new RunPlan(duration, offsets, ShardPlanner.Cut(offsets));
    }
}
