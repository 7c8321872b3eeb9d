// Decides, per request of a claimed shard, whether to skip, send (maybe late) or record it worker_lost.
namespace Lab.LoadWorker.Shards;

public enum RecoveryAction
{
    /// <summary>A record already exists (the previous holder stored it).</summary>
    Skip,
    /// <summary>Still sendable: on time, or late within the bound (lateness is recorded).</summary>
    Send,
    /// <summary>Past its planned time by more than the bound: it can no longer be sent honestly.</summary>
    Lost,
}

public static class ShardRecovery
{
    /// <summary>
    /// For a shard reclaimed from a silent worker: a request whose planned time lies more than maxLatenessMs in the
    /// past cannot be sent "as planned" any more, so it is recorded worker_lost instead of being sent at the wrong
    /// moment (which would quietly turn the open-loop schedule into a different one). Fresh shards pass
    /// reclaimed = false and always send, reporting their lateness.
    /// </summary>
    public static RecoveryAction[] Decide(IReadOnlyList<double> offsetsMs, IReadOnlyList<bool> recorded, double nowMs, double maxLatenessMs, bool reclaimed)
    {
        var actions = new RecoveryAction[offsetsMs.Count];
        for (var i = 0; i < actions.Length; i++)
        {
            actions[i] = recorded[i] ? RecoveryAction.Skip
                : reclaimed && nowMs - offsetsMs[i] > maxLatenessMs ? RecoveryAction.Lost
                : RecoveryAction.Send;
        }
        return actions;
    }
}
