// DESIGN.md's per-record definitions, in one place for every service that reads records: CostApi's summaries and
// exports, the load worker's metrics and span attributes, the web's request table.
namespace Lab.Contracts.Costs;

public static class DropReasons
{
    /// <summary>The lab's snake_case drop reason, as stored, exported, printed and put on telemetry.</summary>
    public static string Name(DropReason reason) => reason switch
    {
        DropReason.Timeout => "timeout",
        DropReason.Rejected => "rejected",
        DropReason.HttpError => "http_error",
        DropReason.ConnectionError => "connection_error",
        DropReason.Cancelled => "cancelled",
        DropReason.WorkerLost => "worker_lost",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    public static DropReason Parse(string name) => Enum.GetValues<DropReason>().First(r => Name(r) == name);
}

public static class RequestLatency
{
    /// <summary>
    /// Request latency over all scheduled requests: a successful request at its e2e; a dropped one at the time it was
    /// given up, measured from when it was sent, or from its planned send when it never left the worker. Dropping work
    /// therefore never shortens the tail.
    /// </summary>
    public static double Ms(RequestRecord record) => record.Outcome == RequestOutcome.Success
        ? record.E2eMs ?? ((record.LastToken ?? record.PlannedSend) - (record.Sent ?? record.PlannedSend)).TotalMilliseconds
        : ((record.GivenUpAt ?? record.PlannedSend) - (record.Sent ?? record.PlannedSend)).TotalMilliseconds;
}
