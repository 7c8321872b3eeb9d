// Shard cutting: every request in exactly one shard, in order, within the count and span limits.
using Lab.Contracts.Experiments;
using Lab.Orchestrator.Planning;

namespace Lab.Orchestrator.Tests;

public sealed class ShardPlannerTests
{
    [Fact]
    public void Every_request_lands_in_exactly_one_shard_in_order()
    {
        var offsets = Enumerable.Range(0, 2641).Select(i => i / 22.0).ToArray();
        var shards = ShardPlanner.Cut(offsets);
        Assert.Equal(Enumerable.Range(0, offsets.Length), shards.SelectMany(s => s.Indices));
        Assert.Equal(offsets.Select(o => o * 1000), shards.SelectMany(s => s.OffsetsMs));
        Assert.Equal(Enumerable.Range(0, shards.Count), shards.Select(s => s.Shard));
    }

    [Fact]
    public void A_shard_closes_at_the_span_limit_at_low_rates()
    {
        var offsets = Enumerable.Range(0, 100).Select(i => i * 0.1).ToArray(); // 10 req/s
        var shards = ShardPlanner.Cut(offsets, maxRequests: 200, maxSpanSeconds: 1.5);
        Assert.All(shards, s => Assert.True(s.OffsetsMs[^1] - s.OffsetsMs[0] < 1500));
        Assert.Equal(15, shards[0].Count);
    }

    [Fact]
    public void A_shard_closes_at_the_request_limit_at_high_rates()
    {
        var offsets = Enumerable.Range(0, 5000).Select(i => i / 2000.0).ToArray(); // 2,000 req/s
        var shards = ShardPlanner.Cut(offsets, maxRequests: 200, maxSpanSeconds: 1.5);
        Assert.Equal(25, shards.Count);
        Assert.All(shards, s => Assert.Equal(200, s.Count));
    }

    [Fact]
    public void An_empty_schedule_has_no_shards() => Assert.Empty(ShardPlanner.Cut([]));

    [Fact]
    public void Scale_keeps_the_rate_and_shortens_the_run()
    {
        var @case = new CaseDefinition("c", "", 512, 128, new ArrivalDefinition("constant", 20), 120, 60);
        var full = RunPlanner.Plan(@case, 1, 42, null);
        var tenth = RunPlanner.Plan(@case, 0.1, 42, null);
        Assert.Equal(2400, full.Scheduled);
        Assert.Equal(240, tenth.Scheduled);
        Assert.Equal(12, tenth.DurationSeconds, 9);
        Assert.Throws<ArgumentOutOfRangeException>(() => RunPlanner.Plan(@case, 0, 42, null));
    }
}
