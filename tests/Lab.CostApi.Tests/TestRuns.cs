// Builders for definitions, runs and records with round numbers, so expected figures can be worked out by hand.
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;

namespace Lab.CostApi.Tests;

public static class TestRuns
{
    public const string Steady = "steady-cost-efficiency";
    public const string Burst = "burst-cost-efficiency";
    public const string Naive = "naive-single";
    public const string Optimized = "optimized-batched";
    public static readonly GpuPrice H100 = new("H100-SXM-80GB", 2.99m, "Lambda on-demand", new DateOnly(2026, 5, 1));
    public static readonly DateTimeOffset T0 = new(2026, 5, 15, 12, 0, 0, TimeSpan.Zero);
    public const string Boundary = "Costs include the serving GPU model only.";

    public static ExperimentDefinition Definition(string id) => new(
        id, "Cost per Useful Work", "How much cheaper does the same GPU become?", "Cost efficiency", "Useful work beats raw cheapness",
        [Case(Steady), Case(Burst)], [Profile(Naive), Profile(Optimized)], [],
        new SloDefinition(2, 5, 0.01), Boundary, []);

    public static CaseDefinition Case(string id) => new(id, id + " workload", 512, 128, new ArrivalDefinition("poisson", 10), 60, 120);

    public static ProfileDefinition Profile(string id, int gpus = 1, int replicas = 1) => new(
        id, id + " profile", "meta-llama/Llama-3.1-8B-Instruct", "H100-SXM-80GB", gpus, replicas, "H100-SXM-80GB",
        new Dictionary<string, string> { ["max-num-seqs"] = id == Naive ? "1" : "256" });

    public static RegisterRunRequest Register(string experiment, string caseId, string profile, int scheduled, Guid? id = null) => new(
        id ?? Guid.NewGuid(), experiment, caseId, profile, "http://servingsim", 42, 1.0, scheduled,
        new RunSnapshot(Case(caseId), Profile(profile), new SloDefinition(2, 5, 0.01), H100, Boundary));

    public static RequestRecord Success(int index, double plannedMs, double e2eMs, double ttftMs = 50, int outputTokens = 128, double latenessMs = 0)
    {
        var planned = T0.AddMilliseconds(plannedMs);
        var sent = planned.AddMilliseconds(latenessMs);
        var gaps = Enumerable.Repeat((float)((e2eMs - ttftMs) / (outputTokens - 1)), outputTokens - 1).ToArray();
        return new RequestRecord(index, "worker-0", planned, sent, sent.AddMilliseconds(ttftMs), sent.AddMilliseconds(e2eMs), null,
            RequestOutcome.Success, null, 200, 512, outputTokens, ttftMs, (e2eMs - ttftMs) / (outputTokens - 1), e2eMs, gaps,
            $"{index:x32}");
    }

    public static RequestRecord Dropped(int index, double plannedMs, double givenUpAfterMs, DropReason reason = DropReason.Timeout, bool sent = true)
    {
        var planned = T0.AddMilliseconds(plannedMs);
        DateTimeOffset? sentAt = sent ? planned : null;
        return new RequestRecord(index, "worker-1", planned, sentAt, null, null, planned.AddMilliseconds(givenUpAfterMs),
            RequestOutcome.Dropped, reason, reason == DropReason.Rejected ? 503 : null, 512, 0, null, null, null, null, null);
    }

    /// <summary>Registers the run and walks it to Running with t0, as the orchestrator does.</summary>
    public static async Task<Guid> StartAsync(ICostApi api, RegisterRunRequest request, CancellationToken ct)
    {
        await api.RegisterRunAsync(request, ct);
        foreach (var status in new[] { RunStatus.CheckingReadiness, RunStatus.WarmingUp })
            await api.TransitionRunAsync(request.RunId, new RunTransitionRequest(status), ct);
        await api.TransitionRunAsync(request.RunId, new RunTransitionRequest(RunStatus.Running, T0: T0), ct);
        return request.RunId;
    }

    public static async Task IngestAsync(ICostApi api, Guid runId, IEnumerable<RequestRecord> records, CancellationToken ct, int batchSize = 5000)
    {
        foreach (var chunk in records.Chunk(batchSize))
            await api.IngestRecordsAsync(runId, new RecordBatch(chunk), ct);
    }

    public static async Task<RunSummary> FinishAsync(ICostApi api, Guid runId, CancellationToken ct)
    {
        await api.TransitionRunAsync(runId, new RunTransitionRequest(RunStatus.Draining), ct);
        await api.TransitionRunAsync(runId, new RunTransitionRequest(RunStatus.Finalizing), ct);
        return await api.FinalizeRunAsync(runId, ct);
    }

    /// <summary>A whole run in one call: register, start, ingest, finalize.</summary>
    public static async Task<RunSummary> RunAsync(ICostApi api, string experiment, string caseId, string profile, IReadOnlyList<RequestRecord> records, CancellationToken ct)
    {
        var id = await StartAsync(api, Register(experiment, caseId, profile, records.Count), ct);
        await IngestAsync(api, id, records, ct);
        return await FinishAsync(api, id, ct);
    }
}
