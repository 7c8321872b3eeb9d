// One record per scheduled request, as load workers send them to CostApi.
namespace Lab.Contracts.Costs;

public enum RequestOutcome
{
    /// <summary>HTTP 2xx and the full requested output streamed.</summary>
    Success,
    /// <summary>Scheduled but not successful; the reason says why.</summary>
    Dropped,
}

public enum DropReason
{
    Timeout,
    Rejected,
    HttpError,
    ConnectionError,
    Cancelled,
    WorkerLost,
}

/// <summary>
/// Times are absolute (UTC); durations in milliseconds. Sent is null when the request never left the worker
/// (cancelled or worker_lost before its send time). GivenUpAt is when a dropped request was abandoned, which is
/// where it enters the all-scheduled latency percentiles. ItlMs holds the gaps between successive content chunks.
/// Queue/Prefill/Decode are the server's own phase timings when it reported them.
/// </summary>
public sealed record RequestRecord(
    int Index,
    string Worker,
    DateTimeOffset PlannedSend,
    DateTimeOffset? Sent,
    DateTimeOffset? FirstToken,
    DateTimeOffset? LastToken,
    DateTimeOffset? GivenUpAt,
    RequestOutcome Outcome,
    DropReason? Reason,
    int? HttpStatus,
    int PromptTokens,
    int OutputTokens,
    double? TtftMs,
    double? TpotMs,
    double? E2eMs,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(GapsJsonConverter))] float[]? ItlMs,
    string? TraceId,
    double? QueueMs = null,
    double? PrefillMs = null,
    double? DecodeMs = null,
    string? Error = null);

public sealed record RecordBatch(IReadOnlyList<RequestRecord> Records);

public sealed record IngestResult(int Received, int Inserted, int Duplicates);

public sealed record RecordPage(int Total, int Offset, int Limit, IReadOnlyList<RequestRecord> Items);
