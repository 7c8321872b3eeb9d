// When a record stopped occupying the target and whether it completed (DESIGN.md "Definitions"); request latency
// and drop reason names are in Lab.Contracts (RequestLatency, DropReasons), shared with the worker and the web.
using Lab.Contracts.Costs;

namespace Lab.CostApi.Summaries;

public static class RequestTiming
{
    /// <summary>When the request stopped occupying the target: last byte for success, give-up time otherwise.</summary>
    public static DateTimeOffset FinishedAt(RequestRecord record) => record.Outcome == RequestOutcome.Success
        ? record.LastToken ?? record.Sent ?? record.PlannedSend
        : record.GivenUpAt ?? record.Sent ?? record.PlannedSend;

    /// <summary>A completed request got a final response: success, or an error response with an HTTP status.</summary>
    public static bool IsCompleted(RequestRecord record) =>
        record.Outcome == RequestOutcome.Success || record.HttpStatus is not null;
}
