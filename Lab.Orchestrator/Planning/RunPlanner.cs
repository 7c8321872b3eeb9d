// From a case, scale and seed to the exact schedule of a run (pure; the same inputs always give the same plan).
using Lab.Contracts.Experiments;
using Lab.Experiments.Arrivals;

namespace Lab.Orchestrator.Planning;

public sealed record RunPlan(RunScaling Scaling, double[] OffsetsSeconds, IReadOnlyList<ShardPlan> Shards)
{
    public double DurationSeconds => Scaling.RunDurationSeconds;
    public int Scheduled => OffsetsSeconds.Length;
    public double LastOffsetSeconds => OffsetsSeconds.Length == 0 ? 0 : OffsetsSeconds[^1];
}

public static class RunPlanner
{
    /// <summary>
    /// Scale shortens the duration and keeps the rates (a 0.1 run is the first tenth of the same process), except that
    /// bursts arrivals keep whole burst periods holding at least one full spike: see <see cref="CaseScaling.Scale"/>.
    /// </summary>
    public static RunPlan Plan(CaseDefinition @case, double scale, long seed, string? experimentsDirectory)
    {
        var scaling = CaseScaling.Scale(@case, scale);
        var arrival = @case.Arrival;
        if (arrival.TraceFile is { } trace && experimentsDirectory is not null && !Path.IsPathRooted(trace))
        {
            arrival = arrival with { TraceFile = Path.Combine(experimentsDirectory, trace) };
        }
        var offsets = ArrivalSchedule.Plan(arrival, scaling.RunDurationSeconds, seed);
        return new RunPlan(scaling, offsets, ShardPlanner.Cut(offsets));
    }
}
