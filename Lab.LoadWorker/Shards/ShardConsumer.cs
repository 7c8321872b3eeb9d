// Claims shards from the Redis stream (new ones, or ones a silent worker left behind), heartbeats what it holds.
using System.Collections.Concurrent;
using System.Text.Json;
using Lab.Contracts.Distribution;
using Lab.LoadWorker.Recording;
using Lab.LoadWorker.Requests;
using Lab.LoadWorker.Timing;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Lab.LoadWorker.Shards;

public sealed class WorkerOptions
{
    /// <summary>This worker's consumer name in the group; defaults to host name + process id.</summary>
    public string? Name { get; set; }
    /// <summary>Hold at most one shard whose first request is further away than this, so shards spread over workers.</summary>
    public double LeadSeconds { get; set; } = 1.0;
    /// <summary>How often held shards are touched (XCLAIM to self resets their idle time).</summary>
    public double HeartbeatSeconds { get; set; } = 0.5;
    /// <summary>A shard idle this long has lost its worker and may be taken over (XAUTOCLAIM min-idle).</summary>
    public double ReclaimIdleSeconds { get; set; } = 5;
}

public sealed class ShardConsumer(
    IConnectionMultiplexer redis, FiringLoop loop, RecordSink sink, WorkerMetrics metrics, CompletionRequester requester, PromptSource prompts,
    RunControl runs, IOptions<WorkerOptions> options, TimeProvider time, ILogger<ShardConsumer> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, ShardExecution> _held = new();
    private readonly WorkerOptions _options = options.Value;
    public string Name { get; } = options.Value.Name ?? $"{Environment.MachineName}-{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await EnsureGroupAsync();
        logger.LogInformation("Load worker {Worker} consuming {Stream} as part of group {Group}", Name, DistributionKeys.ShardStream, DistributionKeys.WorkerGroup);
        var heartbeat = HeartbeatAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (_held.Values.Any(s => s.StartsInMs > _options.LeadSeconds * 1000))
                {
                    await Task.Delay(20, stoppingToken);
                    continue;
                }
                var db = redis.GetDatabase();
                var entries = await db.StreamReadGroupAsync(DistributionKeys.ShardStream, DistributionKeys.WorkerGroup, Name, ">", count: 1);
                var reclaimed = false;
                if (entries.Length == 0)
                {
                    var claim = await db.StreamAutoClaimAsync(DistributionKeys.ShardStream, DistributionKeys.WorkerGroup, Name,
                        (long)(_options.ReclaimIdleSeconds * 1000), "0-0", 1);
                    entries = claim.ClaimedEntries;
                    reclaimed = true;
                }
                if (entries.Length == 0)
                {
                    await Task.Delay(50, stoppingToken);
                    continue;
                }
                // XAUTOCLAIM also returns this worker's own entries if a heartbeat was late; those are already running.
                foreach (var entry in entries.Where(e => !_held.ContainsKey(e.Id!)))
                {
                    await StartAsync(entry, reclaimed);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (RedisException e)
            {
                logger.LogWarning(e, "Reading shards failed; retrying");
                await Task.Delay(500, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        await heartbeat;
        try
        {
            // Leave the alive set at once rather than after the window, so no new run counts on this worker.
            await redis.GetDatabase().SortedSetRemoveAsync(DistributionKeys.Workers, Name);
        }
        catch (RedisException)
        {
        }
    }

    private async Task EnsureGroupAsync()
    {
        try
        {
            await redis.GetDatabase().StreamCreateConsumerGroupAsync(DistributionKeys.ShardStream, DistributionKeys.WorkerGroup, "0-0", createStream: true);
        }
        catch (RedisServerException e) when (e.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another worker or the orchestrator created it first.
        }
    }

    private async Task StartAsync(StreamEntry entry, bool reclaimed)
    {
        var db = redis.GetDatabase();
        var json = entry[DistributionKeys.ShardField];
        var shard = json.IsNullOrEmpty ? null : JsonSerializer.Deserialize((string)json!, DistributionJsonContext.Default.ShardAssignment);
        if (shard is null)
        {
            // Deleted or unreadable entries carry no requests; acknowledging them keeps the pending list clean.
            await db.StreamAcknowledgeAsync(DistributionKeys.ShardStream, DistributionKeys.WorkerGroup, entry.Id);
            return;
        }
        var runCancelled = await runs.WatchAsync(shard.RunId);
        var recordedKey = DistributionKeys.Recorded(shard.RunId);
        var bits = await Task.WhenAll(shard.Indices.Select(i => db.StringGetBitAsync(recordedKey, i)));
        var execution = new ShardExecution(shard, entry.Id!, reclaimed, new RunClock(shard.T0, time), runCancelled,
            index => prompts.For(shard.PromptTokens, shard.Seed, index), Name, requester, sink, metrics, OnSent, OnDone);
        _held[entry.Id!] = execution;
        if (reclaimed)
        {
            logger.LogWarning("Worker {Worker} took over shard {Shard} of run {RunId} from a silent worker", Name, shard.Shard, shard.RunId);
        }
        execution.Start(bits, loop);
    }

    private void OnSent(Guid runId) =>
        redis.GetDatabase().HashIncrement(DistributionKeys.Progress(runId), DistributionKeys.SentField, 1, CommandFlags.FireAndForget);

    private void OnDone(ShardExecution execution)
    {
        _held.TryRemove(execution.EntryId, out _);
        var db = redis.GetDatabase();
        db.StreamAcknowledge(DistributionKeys.ShardStream, DistributionKeys.WorkerGroup, execution.EntryId, CommandFlags.FireAndForget);
        if (!_held.Values.Any(s => s.Shard.RunId == execution.Shard.RunId))
        {
            runs.Forget(execution.Shard.RunId);
        }
    }

    /// <summary>
    /// Announces this worker as alive (lab:workers) and resets the idle time of the entries this worker still owns. Ownership is read first (XPENDING for this
    /// consumer) so a worker that was paused past the reclaim limit never takes a shard back from its new holder.
    /// </summary>
    private async Task HeartbeatAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.HeartbeatSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var db = redis.GetDatabase();
                    await db.SortedSetAddAsync(DistributionKeys.Workers, Name, time.GetUtcNow().ToUnixTimeMilliseconds());
                    if (_held.IsEmpty)
                    {
                        continue;
                    }
                    var owned = await db.StreamPendingMessagesAsync(DistributionKeys.ShardStream, DistributionKeys.WorkerGroup, 10_000, Name);
                    var ids = owned.Select(p => p.MessageId).Where(id => _held.ContainsKey(id!)).ToArray();
                    if (ids.Length > 0)
                    {
                        await db.StreamClaimIdsOnlyAsync(DistributionKeys.ShardStream, DistributionKeys.WorkerGroup, Name, 0, ids);
                    }
                }
                catch (RedisException e)
                {
                    logger.LogWarning(e, "Heartbeat failed");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
