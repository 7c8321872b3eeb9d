// Turns what happened to one request into the lab's outcome and drop reason (Lab.Evidence/README.md "Requests").
using Lab.Contracts.Costs;

namespace Lab.LoadWorker.Requests;

/// <summary>What the worker saw of one request, before any judgement.</summary>
public sealed record RequestObservation(
    int RequestedOutputTokens,
    int? HttpStatus = null,
    bool TimedOut = false,
    bool Cancelled = false,
    string? TransportError = null,
    bool StreamFinished = false,
    int OutputTokens = 0,
    string? FinishReason = null);

public sealed record Classification(RequestOutcome Outcome, DropReason? Reason, string? Error)
{
    public bool Successful => Outcome == RequestOutcome.Success;
}

public static class OutcomeClassifier
{
    public static Classification Classify(RequestObservation o)
    {
        // Order matters: our own give-ups first (the server's answer no longer counts), then what the server said.
        if (o.Cancelled)
        {
            return Dropped(DropReason.Cancelled, "run cancelled");
        }
        if (o.TimedOut)
        {
            return Dropped(DropReason.Timeout, "client timeout");
        }
        if (o.HttpStatus is 429 or 503)
        {
            return Dropped(DropReason.Rejected, $"server rejected the request with HTTP {o.HttpStatus}");
        }
        if (o.HttpStatus is { } status && (status < 200 || status > 299))
        {
            return Dropped(DropReason.HttpError, $"HTTP {status}");
        }
        if (o.TransportError is not null || o.HttpStatus is null)
        {
            return Dropped(DropReason.ConnectionError, o.TransportError ?? "no response");
        }
        if (!o.StreamFinished)
        {
            return Dropped(DropReason.ConnectionError, "the stream ended before its final [DONE] event");
        }
        if (o.OutputTokens < o.RequestedOutputTokens)
        {
            return Dropped(DropReason.HttpError,
                $"incomplete output: {o.OutputTokens} of {o.RequestedOutputTokens} tokens (finish_reason {o.FinishReason ?? "none"})");
        }
        if (o.FinishReason is not ("length" or "stop"))
        {
            return Dropped(DropReason.HttpError, $"unexpected finish_reason '{o.FinishReason ?? "none"}'");
        }
        return new Classification(RequestOutcome.Success, null, null);
    }

    private static Classification Dropped(DropReason reason, string error) => new(RequestOutcome.Dropped, reason, error);
}
