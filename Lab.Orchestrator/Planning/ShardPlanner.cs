// Cuts a run's schedule into shards: small enough to balance across workers and to fail over cheaply.
namespace Lab.Orchestrator.Planning;

/// <summary>Requests [First, First + Count) of the run, planned at OffsetsMs (ms from t0, ascending).</summary>
public sealed record ShardPlan(int Shard, int First, double[] OffsetsMs)
{
    public int Count => OffsetsMs.Length;
    public int[] Indices => Enumerable.Range(First, Count).ToArray();
}

public static class ShardPlanner
{
    /// <summary>
    /// A shard closes when it holds maxRequests or spans maxSpanSeconds of schedule, whichever comes first. Short spans
    /// bound what a lost worker takes with it (at most ~one span of requests goes late or worker_lost) and let shards
    /// interleave across workers; the request cap keeps one shard's firing within one worker's comfortable rate.
    /// </summary>
    public static IReadOnlyList<ShardPlan> Cut(IReadOnlyList<double> offsetsSeconds, int maxRequests = 200, double maxSpanSeconds = 1.5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRequests, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSpanSeconds);
        var shards = new List<ShardPlan>();
        var start = 0;
        for (var i = 1; i <= offsetsSeconds.Count; i++)
        {
            var close = i == offsetsSeconds.Count
                || i - start >= maxRequests
                || offsetsSeconds[i] - offsetsSeconds[start] >= maxSpanSeconds;
            if (close)
            {
                var offsets = new double[i - start];
                for (var j = start; j < i; j++)
                {
                    offsets[j - start] = offsetsSeconds[j] * 1000;
                }
                shards.Add(new ShardPlan(shards.Count, start, offsets));
                start = i;
            }
        }
        return shards;
    }
}
