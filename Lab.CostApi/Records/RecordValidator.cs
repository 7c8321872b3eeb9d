// Checks a whole batch before anything is written, naming each bad record by index and field.
using Lab.Contracts.Costs;

namespace Lab.CostApi.Records;

public static class RecordValidator
{
    public const int MaxBatch = 10_000;
    private const int MaxErrors = 50;

    public static Dictionary<string, string[]> Validate(RecordBatch? batch, int scheduled)
    {
        var errors = new Dictionary<string, string[]>();
        if (batch?.Records is not { } records)
        {
            errors["records"] = ["Required: a JSON array of 1 to 10000 request records."];
            return errors;
        }
        if (records.Count is 0 or > MaxBatch)
        {
            errors["records"] = [$"Send 1 to {MaxBatch} records per call; got {records.Count}."];
            return errors;
        }
        var seen = new Dictionary<int, int>();
        for (var i = 0; i < records.Count && errors.Count < MaxErrors; i++)
        {
            var r = records[i];
            if (r is null)
            {
                errors[$"records[{i}]"] = ["Must be a record object, not null."];
                continue;
            }
            void Fail(string field, string message) => errors[$"records[{i}].{field}"] = [message];

            if (r.Index < 0 || r.Index >= scheduled)
                Fail("index", $"Must be within [0, {scheduled}) for this run; got {r.Index}.");
            else if (!seen.TryAdd(r.Index, i))
                Fail("index", $"Index {r.Index} appears twice in this batch (first at records[{seen[r.Index]}]).");
            if (string.IsNullOrWhiteSpace(r.Worker))
                Fail("worker", "Required: the id of the worker that owned the request.");
            if (r.PlannedSend == default)
                Fail("plannedSend", "Required: the planned send time (UTC).");
            if (!Enum.IsDefined(r.Outcome))
                Fail("outcome", "Allowed values: Success, Dropped.");
            if (r.PromptTokens < 0)
                Fail("promptTokens", $"Must be ≥ 0; got {r.PromptTokens}.");
            if (r.OutputTokens < 0)
                Fail("outputTokens", $"Must be ≥ 0; got {r.OutputTokens}.");
            CheckDuration(r.TtftMs, "ttftMs", Fail);
            CheckDuration(r.TpotMs, "tpotMs", Fail);
            CheckDuration(r.E2eMs, "e2eMs", Fail);
            CheckDuration(r.QueueMs, "queueMs", Fail);
            CheckDuration(r.PrefillMs, "prefillMs", Fail);
            CheckDuration(r.DecodeMs, "decodeMs", Fail);
            if (r.ItlMs is { } itl && itl.Any(g => !float.IsFinite(g) || g < 0))
                Fail("itlMs", "Every gap must be a finite number of milliseconds ≥ 0.");
            if (r.HttpStatus is { } status && (status < 100 || status > 599))
                Fail("httpStatus", $"Must be an HTTP status 100-599; got {status}.");

            if (r.Outcome == RequestOutcome.Success)
            {
                if (r.Reason is not null)
                    Fail("reason", "Must be null for a successful request; a reason belongs to dropped requests.");
                if (r.Sent is null || r.FirstToken is null || r.LastToken is null)
                    Fail(r.Sent is null ? "sent" : r.FirstToken is null ? "firstToken" : "lastToken",
                        "Required for a successful request: sent, firstToken and lastToken.");
                else if (r.FirstToken < r.Sent || r.LastToken < r.FirstToken)
                    Fail("lastToken", "Times must be ordered: sent ≤ firstToken ≤ lastToken.");
                if (r.E2eMs is null)
                    Fail("e2eMs", "Required for a successful request: last byte − sent, in ms.");
                if (r.OutputTokens < 1)
                    Fail("outputTokens", "A successful request streamed its full output: must be ≥ 1.");
                if (r.HttpStatus is { } ok && (ok < 200 || ok > 299))
                    Fail("httpStatus", $"A successful request has a 2xx status; got {ok}.");
            }
            else if (r.Outcome == RequestOutcome.Dropped)
            {
                if (r.Reason is not { } reason || !Enum.IsDefined(reason))
                    Fail("reason", "Required for a dropped request. Allowed values: Timeout, Rejected, HttpError, ConnectionError, Cancelled, WorkerLost.");
                if (r.GivenUpAt is not { } givenUp)
                    Fail("givenUpAt", "Required for a dropped request: when it was given up (it enters latency percentiles there).");
                else if (givenUp < (r.Sent ?? r.PlannedSend))
                    Fail("givenUpAt", "Must not precede the send time (or the planned send time when never sent).");
            }
        }
        return errors;
    }

    private static void CheckDuration(double? value, string field, Action<string, string> fail)
    {
        if (value is { } v && (!double.IsFinite(v) || v < 0))
            fail(field, $"Must be a finite number of milliseconds ≥ 0; got {v}.");
    }
}
