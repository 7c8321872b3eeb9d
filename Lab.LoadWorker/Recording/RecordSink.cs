// Ships request records to CostApi in batches with retry, then marks them in the run's Redis ledger.
using System.Threading.Channels;
using Lab.Contracts.Costs;
using Lab.Contracts.Distribution;
using StackExchange.Redis;

namespace Lab.LoadWorker.Recording;

/// <summary>A record and who to tell once it is stored (the shard counting its requests down).</summary>
public sealed record PendingRecord(Guid RunId, RequestRecord Record, bool WasSent, Action? OnStored);

/// <summary>
/// Records leave in batches (500 or every second). Ingest is idempotent on (run, index), so retrying a batch never
/// duplicates; only after CostApi confirms is the index marked in Redis, which is what the orchestrator counts.
/// </summary>
public sealed class RecordSink(ICostApi costApi, IConnectionMultiplexer redis, ILogger<RecordSink> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);
    private readonly Channel<PendingRecord> _records = Channel.CreateUnbounded<PendingRecord>(new() { SingleReader = true });

    public void Add(PendingRecord record) => _records.Writer.TryWrite(record);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingRecord>(BatchSize);
        var reader = _records.Reader;
        while (true)
        {
            using var window = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            window.CancelAfter(FlushInterval);
            try
            {
                while (batch.Count < BatchSize && await reader.WaitToReadAsync(window.Token))
                {
                    while (batch.Count < BatchSize && reader.TryRead(out var record))
                    {
                        batch.Add(record);
                    }
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The flush interval elapsed: ship what we have.
            }
            catch (OperationCanceledException)
            {
                while (reader.TryRead(out var record))
                {
                    batch.Add(record);
                }
            }
            if (batch.Count > 0)
            {
                // On shutdown still try for a while: these records are the only trace of requests already sent.
                using var deadline = stoppingToken.IsCancellationRequested ? new CancellationTokenSource(TimeSpan.FromSeconds(10)) : null;
                await StoreAsync(batch, deadline?.Token ?? stoppingToken);
                batch.Clear();
            }
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task StoreAsync(List<PendingRecord> batch, CancellationToken cancellationToken)
    {
        foreach (var run in batch.GroupBy(r => r.RunId))
        {
            // One record per index per batch (CostApi rejects a batch that repeats an index); a repeat can only be
            // the same request recorded twice on this worker, and the first record stands.
            var records = run.Select(r => r.Record).DistinctBy(r => r.Index).ToList();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await costApi.IngestRecordsAsync(run.Key, new RecordBatch(records), cancellationToken);
                    break;
                }
                catch (Refit.ApiException e) when (e.StatusCode is System.Net.HttpStatusCode.Conflict or System.Net.HttpStatusCode.BadRequest)
                {
                    // Retrying cannot help: the run's ledger is closed (the orchestrator already recorded these
                    // requests) or the batch is invalid. Say so loudly and move on.
                    logger.LogError("CostApi refused {Count} records of run {RunId} ({Status}): {Body}", records.Count, run.Key, (int)e.StatusCode, e.Content);
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    var delay = TimeSpan.FromMilliseconds(Math.Min(5000, 250 * Math.Pow(2, attempt - 1)));
                    logger.LogWarning(e, "Storing {Count} records of run {RunId} failed (attempt {Attempt}); retrying in {Delay}", records.Count, run.Key, attempt, delay);
                    try
                    {
                        await Task.Delay(delay, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        logger.LogError("Gave up storing {Count} records of run {RunId}; the orchestrator will record them worker_lost", records.Count, run.Key);
                        return;
                    }
                }
            }
            await MarkRecordedAsync(run.Key, run.ToList());
        }
    }

    private async Task MarkRecordedAsync(Guid runId, List<PendingRecord> records)
    {
        var db = redis.GetDatabase();
        RedisKey[] keys = [DistributionKeys.Recorded(runId), DistributionKeys.Progress(runId)];
        var marks = records.Select(r => db.ScriptEvaluateAsync(DistributionKeys.MarkRecordedScript, keys,
            [r.Record.Index, r.Record.Outcome == RequestOutcome.Success ? 1 : 0, r.WasSent ? 1 : 0])).ToList();
        await Task.WhenAll(marks);
        foreach (var record in records)
        {
            record.OnStored?.Invoke();
        }
    }
}
