// From a case, scale and seed to the exact schedule of a run and its shards (pure; the same inputs always give the same plan).
using Lab.Contracts.Experiments;
using Lab.Evidence;

namespace Lab.Orchestrator.Planning;

public sealed record RunPlan(RunScaling Scaling, double[] OffsetsSeconds, IReadOnlyList<ShardPlan> Shards)
{
    public double DurationSeconds => Scaling.RunDurationSeconds;
    public int Scheduled => OffsetsSeconds.Length;
    public double LastOffsetSeconds => OffsetsSeconds.Length == 0 ? 0 : OffsetsSeconds[^1];
}

public static class RunPlanner
{
    /// <summary>The lab's run schedule (<see cref="RunSchedule.Plan"/>), cut into shards for the load workers.</summary>
    public static RunPlan Plan(CaseDefinition @case, double scale, long seed, string? experimentsDirectory)
    {
        var schedule = RunSchedule.Plan(@case, scale, seed, experimentsDirectory);
        return new RunPlan(schedule.Scaling, schedule.OffsetsSeconds, ShardPlanner.Cut(schedule.OffsetsSeconds));
    }
}
