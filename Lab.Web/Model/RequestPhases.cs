// Where one request's time went: the server's own queue/prefill/decode when it reported them, else the client's view.
using Lab.Contracts.Costs;
using Lab.Evidence;

namespace Lab.Web.Model;

public sealed record Phase(string Name, double Ms);

public sealed record RequestPath(IReadOnlyList<Phase> Phases, string Source, double LatencyMs);

public static class RequestPhases
{
    public static RequestPath Of(RequestRecord record)
    {
        var latency = RequestTiming.LatencyMs(record);
        if (record.QueueMs is not null || record.PrefillMs is not null || record.DecodeMs is not null)
        {
            var server = new List<Phase>();
            Add(server, "queue", record.QueueMs);
            Add(server, "prefill", record.PrefillMs);
            Add(server, "decode", record.DecodeMs);
            return new RequestPath(server, "server", latency);
        }
        var client = new List<Phase>();
        if (record.Sent is { } sent && record.PlannedSend < sent)
        {
            Add(client, "late start", (sent - record.PlannedSend).TotalMilliseconds);
        }
        Add(client, "TTFT", record.TtftMs);
        if (record.TtftMs is { } ttft && record.E2eMs is { } e2e)
        {
            Add(client, "decode", e2e - ttft);
        }
        if (record.Outcome == RequestOutcome.Dropped && client.Count == 0)
        {
            Add(client, "waited", latency);
        }
        return new RequestPath(client, "client", latency);
    }

    private static void Add(List<Phase> phases, string name, double? ms)
    {
        if (ms is { } v && double.IsFinite(v) && v >= 0)
        {
            phases.Add(new Phase(name, v));
        }
    }

    public static string Describe(RequestPath path) =>
        path.Phases.Count == 0 ? "no timing" : string.Join(" · ", path.Phases.Select(p => $"{p.Name} {Format.Ms(p.Ms)}"));

    public static string Outcome(RequestRecord record) => record.Outcome == RequestOutcome.Success
        ? "success"
        : record.Reason is { } reason ? "dropped: " + DropReasons.Name(reason) : "dropped";
}
