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
        var seen = new Dictionary<int, int>(records.Count);
        for (var i = 0; i < records.Count && errors.Count < MaxErrors; i++)
        {
            var r = records[i];
            if (r is null)
            {
                errors[$"records[{i}]"] = ["Must be a record object, not null."];
                continue;
            }
            // A static local function taking what it needs: capturing i and errors (and turning Fail into a delegate
            // for CheckDuration) allocated a closure and six delegates per record on the ingest path.
            static void Fail(Dictionary<string, string[]> errors, int i, string field, string message) => errors[$"records[{i}].{field}"] = [message];

            if (r.Index < 0 || r.Index >= scheduled)
                Fail(errors, i, "index", $"Must be within [0, {scheduled}) for this run; got {r.Index}.");
            else if (!seen.TryAdd(r.Index, i))
                Fail(errors, i, "index", $"Index {r.Index} appears twice in this batch (first at records[{seen[r.Index]}]).");
            if (string.IsNullOrWhiteSpace(r.Worker))
                Fail(errors, i, "worker", "Required: the id of the worker that owned the request.");
            if (r.PlannedSend == default)
                Fail(errors, i, "plannedSend", "Required: the planned send time (UTC).");
            if (!Enum.IsDefined(r.Outcome))
                Fail(errors, i, "outcome", "Allowed values: Success, Dropped.");
            if (r.PromptTokens < 0)
                Fail(errors, i, "promptTokens", $"Must be ≥ 0; got {r.PromptTokens}.");
            if (r.OutputTokens < 0)
                Fail(errors, i, "outputTokens", $"Must be ≥ 0; got {r.OutputTokens}.");
            CheckDuration(errors, i, r.TtftMs, "ttftMs");
            CheckDuration(errors, i, r.TpotMs, "tpotMs");
            CheckDuration(errors, i, r.E2eMs, "e2eMs");
            CheckDuration(errors, i, r.QueueMs, "queueMs");
            CheckDuration(errors, i, r.PrefillMs, "prefillMs");
            CheckDuration(errors, i, r.DecodeMs, "decodeMs");
            if (r.ItlMs is { } itl && !AllGapsValid(itl))
                Fail(errors, i, "itlMs", "Every gap must be a finite number of milliseconds ≥ 0.");
            if (r.HttpStatus is { } status && (status < 100 || status > 599))
                Fail(errors, i, "httpStatus", $"Must be an HTTP status 100-599; got {status}.");

            if (r.Outcome == RequestOutcome.Success)
            {
                if (r.Reason is not null)
                    Fail(errors, i, "reason", "Must be null for a successful request; a reason belongs to dropped requests.");
                if (r.Sent is null || r.FirstToken is null || r.LastToken is null)
                    Fail(errors, i, r.Sent is null ? "sent" : r.FirstToken is null ? "firstToken" : "lastToken",
                        "Required for a successful request: sent, firstToken and lastToken.");
                else if (r.FirstToken < r.Sent || r.LastToken < r.FirstToken)
                    Fail(errors, i, "lastToken", "Times must be ordered: sent ≤ firstToken ≤ lastToken.");
                if (r.E2eMs is null)
                    Fail(errors, i, "e2eMs", "Required for a successful request: last byte − sent, in ms.");
                if (r.OutputTokens < 1)
                    Fail(errors, i, "outputTokens", "A successful request streamed its full output: must be ≥ 1.");
                if (r.HttpStatus is { } ok && (ok < 200 || ok > 299))
                    Fail(errors, i, "httpStatus", $"A successful request has a 2xx status; got {ok}.");
            }
            else if (r.Outcome == RequestOutcome.Dropped)
            {
                if (r.Reason is not { } reason || !Enum.IsDefined(reason))
                    Fail(errors, i, "reason", "Required for a dropped request. Allowed values: Timeout, Rejected, HttpError, ConnectionError, Cancelled, WorkerLost.");
                if (r.GivenUpAt is not { } givenUp)
                    Fail(errors, i, "givenUpAt", "Required for a dropped request: when it was given up (it enters latency percentiles there).");
                else if (givenUp < (r.Sent ?? r.PlannedSend))
                    Fail(errors, i, "givenUpAt", "Must not precede the send time (or the planned send time when never sent).");
            }
        }
        return errors;
    }

    private static void CheckDuration(Dictionary<string, string[]> errors, int i, double? value, string field)
    {
        if (value is { } v && (!double.IsFinite(v) || v < 0))
            errors[$"records[{i}].{field}"] = [$"Must be a finite number of milliseconds ≥ 0; got {v}."];
    }

    private static bool AllGapsValid(float[] gaps)
    {
        foreach (var gap in gaps)
        {
            // Negated so NaN fails too; +∞ is the one other non-finite value ≥ 0.
            if (!(gap >= 0) || float.IsPositiveInfinity(gap))
                return false;
        }
        return true;
    }
}
