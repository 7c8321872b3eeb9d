// Per-request timing (README "Requests"): request latency over all scheduled requests, when a request stopped
// occupying the target, whether it completed, TPOT and ITL. Every service that reads or writes records uses these.
using Lab.Contracts.Costs;

namespace Lab.Evidence;

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

    /// <summary>Schedule lateness: sent − planned send, for requests that were sent.</summary>
    public static double? LatenessMs(RequestRecord record) =>
        record.Sent is { } sent ? (sent - record.PlannedSend).TotalMilliseconds : null;

    /// <summary>TPOT = (e2e − TTFT) / (output tokens − 1): the first token excluded, as vLLM; none for one token.</summary>
    public static double? Tpot(double? e2e, double? ttft, int outputTokens) =>
        e2e is { } end && ttft is { } first && outputTokens > 1 ? (end - first) / (outputTokens - 1) : null;

    /// <summary>ITL: the gaps between successive content chunks, from their arrival times (any unit, ascending).</summary>
    public static double[] Gaps(IReadOnlyList<double> chunkTimes)
    {
        if (chunkTimes.Count < 2)
        {
            return [];
        }
        var gaps = new double[chunkTimes.Count - 1];
        for (var i = 1; i < chunkTimes.Count; i++)
        {
            gaps[i - 1] = chunkTimes[i] - chunkTimes[i - 1];
        }
        return gaps;
    }
}
