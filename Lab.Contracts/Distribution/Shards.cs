// Messages between the orchestrator and load workers over Redis: shard assignments on a stream, cancels on pub/sub.
namespace Lab.Contracts.Distribution;

/// <summary>
/// A slice of one run's schedule. Request i of the shard is run-wide index Indices[i], planned at T0 + OffsetsMs[i].
/// MaxLatenessMs bounds how late a reclaimed shard's request may still be sent; later ones are recorded worker_lost.
/// TraceParent/TraceState carry the W3C context of the publishing span so the worker's spans join the run's trace.
/// </summary>
public sealed record ShardAssignment(
    Guid RunId,
    int Shard,
    int ShardCount,
    DateTimeOffset T0,
    string Target,
    string Model,
    int PromptTokens,
    int OutputTokens,
    double TimeoutSeconds,
    double MaxLatenessMs,
    long Seed,
    int[] Indices,
    double[] OffsetsMs,
    string? TraceParent = null,
    string? TraceState = null);

/// <summary>
/// Published on <see cref="DistributionKeys.CancelChannel"/> and also left as a key workers poll. TraceParent/TraceState
/// carry the publishing span's context, so a worker's handling of the cancel joins the run's trace.
/// </summary>
public sealed record RunCancellation(Guid RunId, DateTimeOffset RequestedAt, string? Reason = null, string? TraceParent = null, string? TraceState = null);

/// <summary>Live counters of one run as workers report them (the Redis hash behind the run's progress).</summary>
public sealed record RunCounters(int Sent, int Recorded, int Succeeded, int Dropped, int SentFinished)
{
    public int InFlight => Math.Max(0, Sent - SentFinished);
}
