// The orchestrator's side of Redis: publishing shards (with trace context), reading counters, cancelling, sweeping.
using System.Diagnostics;
using System.Text.Json;
using Lab.Contracts.Costs;
using Lab.Contracts.Distribution;
using StackExchange.Redis;

namespace Lab.Orchestrator.Runs;

public sealed class DistributionOptions
{
    /// <summary>t0 is set this far ahead so every worker has the first shards before their first send.</summary>
    public double StartDelaySeconds { get; set; } = 2;
    /// <summary>Each shard enters the stream this long before its first send (more than a worker's 1 s hold-ahead).</summary>
    public double PublishLeadSeconds { get; set; } = 3;
    /// <summary>A reclaimed request later than this is recorded worker_lost instead of being sent (see ShardRecovery).</summary>
    public double MaxLatenessSeconds { get; set; } = 1;
    /// <summary>After last send + client timeout + this, requests still without a record are recorded worker_lost.</summary>
    public double SweepGraceSeconds { get; set; } = 15;
    /// <summary>After a cancel, workers get this long to record their cut requests before the orchestrator does.</summary>
    public double CancelGraceSeconds { get; set; } = 10;
}

public sealed class RunDistribution(IConnectionMultiplexer redis, ICostApi costApi, TimeProvider time)
{
    private static readonly TimeSpan KeepCounters = TimeSpan.FromDays(7);

    /// <summary>The shard stream and the workers' group exist before a run's first shard; once per run, not per shard.</summary>
    public async Task EnsureShardStreamAsync()
    {
        try
        {
            await redis.GetDatabase().StreamCreateConsumerGroupAsync(DistributionKeys.ShardStream, DistributionKeys.WorkerGroup, "0-0", createStream: true);
        }
        catch (RedisServerException e) when (e.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
        {
        }
    }

    /// <summary>Adds one shard to the stream and returns its entry id.</summary>
    public async Task<string> PublishAsync(ShardAssignment shard)
    {
        // One producer span per shard; its context travels in the message so the worker's spans join this trace.
        using var send = StartProducer(DistributionKeys.ShardStream, shard.RunId);
        send?.SetTag("lab.shard", shard.Shard);
        var message = send is null ? shard : shard with { TraceParent = send.Id, TraceState = send.TraceStateString };
        var id = await redis.GetDatabase().StreamAddAsync(DistributionKeys.ShardStream, DistributionKeys.ShardField,
            JsonSerializer.Serialize(message, DistributionJsonContext.Default.ShardAssignment));
        send?.SetTag("messaging.message.id", id.ToString());
        return id!;
    }

    /// <summary>A producer span per message (messaging semantic conventions); its context travels in the message.</summary>
    private static Activity? StartProducer(string destination, Guid runId)
    {
        var send = OrchestratorTelemetry.Source.StartActivity($"send {destination}", ActivityKind.Producer);
        send?.SetTag("messaging.system", "redis");
        send?.SetTag("messaging.operation.type", "send");
        send?.SetTag("messaging.operation.name", "send");
        send?.SetTag("messaging.destination.name", destination);
        send?.SetTag("lab.run.id", runId.ToString());
        return send;
    }

    /// <summary>Workers that heartbeated within the alive window.</summary>
    public async Task<IReadOnlyList<string>> LiveWorkersAsync()
    {
        var since = (time.GetUtcNow() - DistributionKeys.WorkerAliveWindow).ToUnixTimeMilliseconds();
        var names = await redis.GetDatabase().SortedSetRangeByScoreAsync(DistributionKeys.Workers, since, double.PositiveInfinity);
        return names.Select(n => n.ToString()).ToList();
    }

    public async Task<RunCounters> CountersAsync(Guid runId)
    {
        var fields = (await redis.GetDatabase().HashGetAllAsync(DistributionKeys.Progress(runId))).ToDictionary(e => e.Name.ToString(), e => (int)e.Value);
        return new RunCounters(fields.GetValueOrDefault(DistributionKeys.SentField), fields.GetValueOrDefault(DistributionKeys.RecordedField),
            fields.GetValueOrDefault(DistributionKeys.SucceededField), fields.GetValueOrDefault(DistributionKeys.DroppedField),
            fields.GetValueOrDefault(DistributionKeys.SentFinishedField));
    }

    public async Task CancelAsync(Guid runId, string? reason)
    {
        var db = redis.GetDatabase();
        await db.StringSetAsync(DistributionKeys.Cancelled(runId), "1", KeepCounters);
        using var send = StartProducer(DistributionKeys.CancelChannel, runId);
        await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(DistributionKeys.CancelChannel),
            JsonSerializer.Serialize(new RunCancellation(runId, time.GetUtcNow(), reason, send?.Id, send?.TraceStateString),
                DistributionJsonContext.Default.RunCancellation));
    }

    /// <summary>
    /// Writes a record for every request that still has none (no worker holds it any more, or the run was cancelled
    /// before a worker got to it), so every scheduled request ends with exactly one record. Idempotent ingest and the
    /// Redis bitmap keep a late worker record and a sweep record from both counting.
    /// </summary>
    public async Task<int> SweepAsync(Guid runId, DateTimeOffset t0, double[] offsetsSeconds, int promptTokens, DropReason reason, string why, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var bitmap = (byte[]?)await db.StringGetAsync(DistributionKeys.Recorded(runId)) ?? [];
        var now = time.GetUtcNow();
        var missing = new List<RequestRecord>();
        for (var i = 0; i < offsetsSeconds.Length; i++)
        {
            // Redis numbers bits from the most significant bit of the first byte.
            var recorded = i / 8 < bitmap.Length && (bitmap[i / 8] & (0x80 >> (i % 8))) != 0;
            if (!recorded)
            {
                var planned = t0.AddTicks((long)(offsetsSeconds[i] * TimeSpan.TicksPerSecond));
                missing.Add(new RequestRecord(i, "orchestrator", planned, null, null, null, now > planned ? now : planned,
                    RequestOutcome.Dropped, reason, null, promptTokens, 0, null, null, null, null, Activity.Current?.TraceId.ToString(), Error: why));
            }
        }
        RedisKey[] keys = [DistributionKeys.Recorded(runId), DistributionKeys.Progress(runId)];
        foreach (var batch in missing.Chunk(500))
        {
            await costApi.IngestRecordsAsync(runId, new RecordBatch(batch), cancellationToken);
            await Task.WhenAll(batch.Select(r => db.ScriptEvaluateAsync(DistributionKeys.MarkRecordedScript, keys, [r.Index, 0, 0])));
        }
        return missing.Count;
    }

    /// <summary>Removes the run's shards from the stream and lets its counters expire after a week.</summary>
    public async Task CleanUpAsync(Guid runId, IReadOnlyList<string> entryIds)
    {
        var db = redis.GetDatabase();
        if (entryIds.Count > 0)
        {
            await db.StreamAcknowledgeAsync(DistributionKeys.ShardStream, DistributionKeys.WorkerGroup, entryIds.Select(i => (RedisValue)i).ToArray());
            await db.StreamDeleteAsync(DistributionKeys.ShardStream, entryIds.Select(i => (RedisValue)i).ToArray());
        }
        await db.KeyExpireAsync(DistributionKeys.Progress(runId), KeepCounters);
        await db.KeyExpireAsync(DistributionKeys.Recorded(runId), KeepCounters);
    }
}
