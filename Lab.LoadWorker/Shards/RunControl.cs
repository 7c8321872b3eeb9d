// Per-run cancellation on this worker: the pub/sub message is the fast path, a key polled every 200 ms the safe one.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Lab.Contracts.Distribution;
using StackExchange.Redis;

namespace Lab.LoadWorker.Shards;

public sealed class RunControl(IConnectionMultiplexer redis, ILogger<RunControl> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _runs = new();

    /// <summary>The token that fires when the run is cancelled; the first caller for a run checks the key at once.</summary>
    public async Task<CancellationToken> WatchAsync(Guid runId)
    {
        var source = _runs.GetOrAdd(runId, _ => new CancellationTokenSource());
        if (!source.IsCancellationRequested && await redis.GetDatabase().KeyExistsAsync(DistributionKeys.Cancelled(runId)))
        {
            Cancel(runId);
        }
        return source.Token;
    }

    public bool IsCancelled(Guid runId) => _runs.TryGetValue(runId, out var s) && s.IsCancellationRequested;

    /// <summary>Called when this worker holds no more shards of the run, so finished runs stop being polled.</summary>
    public void Forget(Guid runId)
    {
        if (_runs.TryRemove(runId, out var source))
        {
            source.Dispose();
        }
    }

    private void Cancel(Guid runId)
    {
        if (_runs.TryGetValue(runId, out var source) && !source.IsCancellationRequested)
        {
            logger.LogInformation("Run {RunId} cancelled: cutting its remaining requests", runId);
            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Forgotten concurrently: nothing of the run is left here to cut.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var channel = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(DistributionKeys.CancelChannel));
        channel.OnMessage(message =>
        {
            if (JsonSerializer.Deserialize((string)message.Message!, DistributionJsonContext.Default.RunCancellation) is { } cancellation)
            {
                ActivityContext.TryParse(cancellation.TraceParent, cancellation.TraceState, isRemote: true, out var parent);
                using var process = WorkerTelemetry.Source.StartActivity($"process {DistributionKeys.CancelChannel}", ActivityKind.Consumer, parent);
                process?.SetTag("messaging.system", "redis");
                process?.SetTag("messaging.operation.type", "process");
                process?.SetTag("messaging.operation.name", "process");
                process?.SetTag("messaging.destination.name", DistributionKeys.CancelChannel);
                process?.SetTag("lab.run.id", cancellation.RunId.ToString());
                Cancel(cancellation.RunId);
            }
        });
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var db = redis.GetDatabase();
                foreach (var runId in _runs.Where(r => !r.Value.IsCancellationRequested).Select(r => r.Key).ToList())
                {
                    try
                    {
                        if (await db.KeyExistsAsync(DistributionKeys.Cancelled(runId)))
                        {
                            Cancel(runId);
                        }
                    }
                    catch (RedisException e)
                    {
                        logger.LogWarning(e, "Polling the cancel key of run {RunId} failed", runId);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await channel.UnsubscribeAsync();
        }
    }
}
