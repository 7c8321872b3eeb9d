// Latency arithmetic per Lab.Evidence/README.md and the reclaim decisions for a lost worker's shard.
using Lab.LoadWorker.Requests;
using Lab.LoadWorker.Shards;

namespace Lab.LoadWorker.Tests;

public sealed class TimingAndRecoveryTests
{
    [Fact]
    public void Ttft_tpot_itl_and_e2e_follow_the_definitions()
    {
        // Sent at 100 ms, chunks at 300, 310, 330, 360; last byte at 365; four tokens.
        var t = StreamTimings.From(100, [300, 310, 330, 360], 365, 4);
        Assert.Equal(200, t.TtftMs);
        Assert.Equal(265, t.E2eMs);
        Assert.Equal((265 - 200) / 3.0, t.TpotMs!.Value, 9);
        Assert.Equal([10f, 20f, 30f], t.ItlMs!);
    }

    [Fact]
    public void Without_chunks_or_an_end_only_what_is_known_is_reported()
    {
        var t = StreamTimings.From(100, [], null, 0);
        Assert.Equal(new StreamTimings(null, null, null, null), t);
        Assert.Null(StreamTimings.From(0, [50], 50, 1).TpotMs); // one token: no inter-token time exists
    }

    [Fact]
    public void A_fresh_shard_sends_everything_not_recorded_even_when_late()
    {
        var actions = ShardRecovery.Decide([0, 1000, 2000], [false, true, false], nowMs: 5000, maxLatenessMs: 1000, reclaimed: false);
        Assert.Equal([RecoveryAction.Send, RecoveryAction.Skip, RecoveryAction.Send], actions);
    }

    [Fact]
    public void A_reclaimed_shard_records_worker_lost_beyond_the_lateness_bound_and_sends_the_rest()
    {
        double[] offsets = [0, 3000, 3900, 4100, 6000];
        bool[] recorded = [true, false, false, false, false];
        var actions = ShardRecovery.Decide(offsets, recorded, nowMs: 5000, maxLatenessMs: 1000, reclaimed: true);
        Assert.Equal([RecoveryAction.Skip, RecoveryAction.Lost, RecoveryAction.Lost, RecoveryAction.Send, RecoveryAction.Send], actions);
    }
}
