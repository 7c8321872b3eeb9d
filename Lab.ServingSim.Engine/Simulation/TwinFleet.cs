// The twin as a fleet of replicas in virtual time, answering in the lab's own per-request records, so a simulated run is
// summarised, priced and judged by the same code as a measured one (Lab.Evidence's RunSummaryCalculator).
using Lab.Contracts.Costs;
using Lab.Evidence;
using Lab.ServingSim.Engine.Scheduling;
using SimulatedDrop = Lab.ServingSim.Engine.Simulation.DropReason;

namespace Lab.ServingSim.Engine.Simulation;

/// <summary>
/// One simulated run: a record per scheduled request, t0 (the first planned send) and what the engines counted. The
/// peaks are the highest over replicas: most sequences running at once, most tokens in one step, and requests refused
/// at admission (queue limits or too long), which say whether a limit ever bound.
/// </summary>
public sealed record TwinRun(IReadOnlyList<RequestRecord> Records, DateTimeOffset T0, long Preemptions, long Steps,
    int MaxRunning = 0, int MaxStepTokens = 0, long Rejected = 0);

public static class TwinFleet
{
    public const string Worker = "twin";

    /// <summary>
    /// Plays the arrivals (seconds from the run's start, ascending) through <paramref name="replicas"/> identical engines
    /// behind a round-robin balancer: replica r serves arrivals r, r + N, r + 2N, … Open loop, as a live run. Without
    /// <paramref name="tokenGaps"/> the records carry no inter-token gaps (ITL), which nothing but the ITL percentiles
    /// reads; the planner leaves them out, since sorting every gap of every candidate setup would double its time.
    /// </summary>
    public static TwinRun Run(EngineConfig config, double[] arrivals, SimulationOptions options, int replicas,
        DateTimeOffset origin, CancellationToken cancellationToken = default, bool tokenGaps = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        var records = new RequestRecord[arrivals.Length];
        long preemptions = 0, steps = 0, rejected = 0;
        int maxRunning = 0, maxStepTokens = 0;
        var recording = options with { RecordRequests = true };
        for (var replica = 0; replica < replicas; replica++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var share = replicas == 1 ? arrivals : arrivals.Where((_, i) => i % replicas == replica).ToArray();
            if (share.Length == 0)
            {
                continue;
            }
            var report = VirtualTimeSimulation.Run(config, share, recording);
            preemptions += report.Preemptions;
            steps += report.Steps;
            rejected += report.DroppedRejected;
            maxRunning = Math.Max(maxRunning, report.MaxRunning);
            maxStepTokens = Math.Max(maxStepTokens, report.MaxStepTokens);
            foreach (var request in report.Requests)
            {
                var index = (int)request.Id * replicas + replica;
                records[index] = ToRecord(index, request, options.PromptTokens, origin, tokenGaps);
            }
        }
        var t0 = arrivals.Length == 0 ? origin : At(origin, arrivals[0]);
        return new TwinRun(records, t0, preemptions, steps, maxRunning, maxStepTokens, rejected);
    }

    /// <summary>
    /// A simulated request as a load worker would have recorded it: sent on plan (the twin has no client lateness), times
    /// at the whole microsecond the ledger stores, a timeout after the 200 and the stream's start, a refusal as a 503.
    /// </summary>
    public static RequestRecord ToRecord(int index, SimulatedRequest request, int promptTokens, DateTimeOffset origin, bool tokenGaps = true)
    {
        var sent = At(origin, request.Arrival);
        var tokens = request.TokenTimes ?? [];
        DateTimeOffset? firstToken = tokens.Count > 0 ? At(origin, tokens[0]) : null;
        DateTimeOffset? lastToken = tokens.Count > 0 ? At(origin, tokens[^1]) : null;
        var gaps = tokenGaps ? Gaps(tokens) : null;
        if (request.Dropped == SimulatedDrop.None)
        {
            var e2e = Ms(request.EndToEnd);
            var ttft = Ms(request.TimeToFirstToken);
            return new RequestRecord(index, Worker, sent, sent, firstToken, At(origin, request.Arrival + request.EndToEnd), null,
                RequestOutcome.Success, null, 200, promptTokens, request.OutputTokens, ttft,
                RequestTiming.Tpot(e2e, ttft, request.OutputTokens), e2e, gaps, null,
                Ms(request.QueueTime), Ms(request.PrefillTime), Ms(request.DecodeTime));
        }
        var rejected = request.Dropped == SimulatedDrop.Rejected;
        return new RequestRecord(index, Worker, sent, sent, firstToken, lastToken, At(origin, request.Arrival + request.EndToEnd),
            RequestOutcome.Dropped, rejected ? Contracts.Costs.DropReason.Rejected : Contracts.Costs.DropReason.Timeout,
            rejected ? 503 : 200, promptTokens, tokens.Count, null, null, null, gaps, null,
            Error: rejected ? "server rejected the request with HTTP 503" : "client timeout");
    }

    private static DateTimeOffset At(DateTimeOffset origin, double seconds) =>
        origin.AddTicks((long)Math.Round(seconds * 1_000_000) * (TimeSpan.TicksPerMillisecond / 1000));

    private static double Ms(double seconds) => Math.Round(seconds * 1_000_000) / 1000;

    private static float[]? Gaps(IReadOnlyList<double> tokenTimes)
    {
        if (tokenTimes.Count < 2)
        {
            return null;
        }
        var gaps = RequestTiming.Gaps(tokenTimes);
        var ms = new float[gaps.Length];
        for (var i = 0; i < gaps.Length; i++)
        {
            ms[i] = (float)(Math.Round(gaps[i] * 1_000_000) / 1000);
        }
        return ms;
    }
}
