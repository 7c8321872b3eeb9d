// How one record's times turn into the lab's latency figures (DESIGN.md "Definitions").
using Lab.Contracts.Costs;

namespace Lab.CostApi.Summaries;

public static class RequestTiming
{
    /// <summary>
    /// Request latency over all scheduled requests: a successful request at its e2e; a dropped one at the time it was
    /// given up, measured from when it was sent, or from its planned send when it never left the worker. Dropping work
    /// therefore never shortens the tail.
    /// </summary>
    public static double LatencyMs(RequestRecord record) => record.Outcome == RequestOutcome.Success
        ? record.E2eMs ?? ((record.LastToken ?? record.PlannedSend) - (record.Sent ?? record.PlannedSend)).TotalMilliseconds
        : ((record.GivenUpAt ?? record.PlannedSend) - (record.Sent ?? record.PlannedSend)).TotalMilliseconds;

    /// <summary>When the request stopped occupying the target: last byte for success, give-up time otherwise.</summary>
    public static DateTimeOffset FinishedAt(RequestRecord record) => record.Outcome == RequestOutcome.Success
        ? record.LastToken ?? record.Sent ?? record.PlannedSend
        : record.GivenUpAt ?? record.Sent ?? record.PlannedSend;

    /// <summary>A completed request got a final response: success, or an error response with an HTTP status.</summary>
    public static bool IsCompleted(RequestRecord record) =>
        record.Outcome == RequestOutcome.Success || record.HttpStatus is not null;

    public static string ReasonName(DropReason reason) => reason switch
    {
        DropReason.Timeout => "timeout",
        DropReason.Rejected => "rejected",
        DropReason.HttpError => "http_error",
        DropReason.ConnectionError => "connection_error",
        DropReason.Cancelled => "cancelled",
        DropReason.WorkerLost => "worker_lost",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    public static DropReason ParseReason(string name) =>
        Enum.GetValues<DropReason>().First(r => ReasonName(r) == name);
}
