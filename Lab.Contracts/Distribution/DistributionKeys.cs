// Redis names shared by the orchestrator and the workers: one place, so both sides always agree.
namespace Lab.Contracts.Distribution;

public static class DistributionKeys
{
    /// <summary>All runs' shards go to one stream; any worker of the group can take any run's shard.</summary>
    public const string ShardStream = "lab:shards";
    public const string WorkerGroup = "load-workers";
    /// <summary>The stream entry field holding the JSON <see cref="ShardAssignment"/>.</summary>
    public const string ShardField = "shard";
    public const string CancelChannel = "lab:cancel";

    /// <summary>Sorted set of worker names scored by their last heartbeat (Unix ms): who is alive to take shards.</summary>
    public const string Workers = "lab:workers";

    /// <summary>A worker that has not beaten for this long no longer counts as alive.</summary>
    public static readonly TimeSpan WorkerAliveWindow = TimeSpan.FromSeconds(5);

    /// <summary>Hash of counters: sent, recorded, succeeded, dropped, sent_finished.</summary>
    public static string Progress(Guid runId) => $"lab:run:{runId:N}:progress";

    /// <summary>Bitmap with bit i set once request i's record is stored in CostApi (the exactly-once ledger).</summary>
    public static string Recorded(Guid runId) => $"lab:run:{runId:N}:recorded";

    /// <summary>Exists once the run is cancelled; workers poll it as the fallback to the pub/sub message.</summary>
    public static string Cancelled(Guid runId) => $"lab:run:{runId:N}:cancelled";

    public const string SentField = "sent";
    public const string RecordedField = "recorded";
    public const string SucceededField = "succeeded";
    public const string DroppedField = "dropped";
    public const string SentFinishedField = "sent_finished";

    /// <summary>
    /// Marks one record stored: sets its bit and, only if it was not set before, bumps the counters. KEYS[1] bitmap,
    /// KEYS[2] progress hash; ARGV[1] index, ARGV[2] 1 if successful, ARGV[3] 1 if the request had been sent.
    /// Returns 1 when this call recorded the index, 0 when it already was.
    /// </summary>
    public const string MarkRecordedScript = """
        if redis.call('SETBIT', KEYS[1], ARGV[1], 1) == 1 then return 0 end
        redis.call('HINCRBY', KEYS[2], 'recorded', 1)
        if ARGV[2] == '1' then redis.call('HINCRBY', KEYS[2], 'succeeded', 1) else redis.call('HINCRBY', KEYS[2], 'dropped', 1) end
        if ARGV[3] == '1' then redis.call('HINCRBY', KEYS[2], 'sent_finished', 1) end
        return 1
        """;
}
