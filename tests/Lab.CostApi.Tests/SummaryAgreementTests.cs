// One definition of the run summary: what CostApi finalizes from PostgreSQL equals Lab.Evidence's summary of the same
// records, for random outcome sets and for the twin's simulated requests as the what-if summarises them.
using System.Text.Json;
using Lab.Cli.WhatIf;
using Lab.Contracts;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Lab.Evidence;
using static Lab.CostApi.Tests.TestRuns;

namespace Lab.CostApi.Tests;

public sealed class SummaryAgreementTests(CostApiFixture fixture)
{
    private readonly ICostApi _api = fixture.Api;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Random_outcome_sets_finalize_to_the_library_summary()
    {
        var random = new Random(24);
        for (var trial = 0; trial < 12; trial++)
        {
            var records = RandomRecords(random, random.Next(1, 400));
            var snapshot = new RunSnapshot(Case(Steady), Profile(Optimized, gpus: random.Next(1, 9), replicas: random.Next(1, 5)),
                new SloDefinition(random.Next(1, 4), random.Next(4, 9), random.NextDouble() / 10), H100, Boundary);
            var register = Register("agreement", Steady, Optimized, records.Count) with { Snapshot = snapshot };

            var stored = await FinalizeAsync(register, T0, records);
            var library = RunSummaryCalculator.Calculate(register.RunId, records.Count, T0, snapshot, records, stored.FinalizedAt);

            Assert.Equal(Json(library), Json(stored));
        }
    }

    [Fact]
    public async Task The_twins_requests_finalize_to_the_what_ifs_summary()
    {
        var definition = Definition("agreement-twin") with { Slo = new SloDefinition(2, 5, 0.01) };
        // A rate the naive profile cannot keep up with, so the set holds successes, timeouts and queue-full refusals.
        var workload = Case(Burst) with { Arrival = new ArrivalDefinition("poisson", 6), DurationSeconds = 20, TimeoutSeconds = 8 };
        var profile = Profile(Naive, gpus: 1, replicas: 2) with
        {
            Gpu = "H100-SXM-80GB", Model = "llama-3.1-8b",
            ServerArgs = new Dictionary<string, string> { ["max-num-seqs"] = "1", ["max-num-queued-reqs"] = "12" },
        };
        var schedule = RunSchedule.Plan(workload, 1, 7, null);
        var run = new TwinWhatIfEngine().Simulate(workload, profile, schedule, Ct);
        var whatIf = WhatIfPlanner.Summarise(run.Records, run.T0, schedule.Scaling, workload, profile, definition, H100);
        Assert.Contains(run.Records, r => r.Reason == DropReason.Timeout);
        Assert.Contains(run.Records, r => r.Reason == DropReason.Rejected);
        Assert.Contains(run.Records, r => r.Outcome == RequestOutcome.Success);

        var snapshot = new RunSnapshot(workload, profile, definition.Slo, H100, definition.EvidenceBoundary, schedule.Scaling);
        var register = Register("agreement-twin", Burst, Naive, run.Records.Count) with { Snapshot = snapshot };
        var stored = await FinalizeAsync(register, run.T0, run.Records);

        Assert.Equal(Json(whatIf with { RunId = stored.RunId, FinalizedAt = stored.FinalizedAt }), Json(stored));
    }

    private async Task<RunSummary> FinalizeAsync(RegisterRunRequest register, DateTimeOffset t0, IReadOnlyList<RequestRecord> records)
    {
        await _api.RegisterRunAsync(register, Ct);
        foreach (var status in new[] { RunStatus.CheckingReadiness, RunStatus.WarmingUp })
        {
            await _api.TransitionRunAsync(register.RunId, new RunTransitionRequest(status), Ct);
        }
        await _api.TransitionRunAsync(register.RunId, new RunTransitionRequest(RunStatus.Running, T0: t0), Ct);
        await IngestAsync(_api, register.RunId, records, Ct);
        return await FinishAsync(_api, register.RunId, Ct);
    }

    private static string Json(RunSummary summary) => JsonSerializer.Serialize(summary, LabJsonContext.Default.RunSummary);

    /// <summary>
    /// Every outcome the lab records, at the whole-microsecond resolution the ledger stores (as load workers send them):
    /// successes with and without inter-token gaps, drops of every reason, some never sent, some late.
    /// </summary>
    private static List<RequestRecord> RandomRecords(Random random, int count)
    {
        var records = new List<RequestRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var planned = T0.AddTicks(random.NextInt64(0, 120_000_000) * 10);
            var sentAt = planned.AddTicks(random.Next(0, 80_000) * 10);
            double Micros(int max) => random.Next(0, max) / 1000.0;
            if (random.NextDouble() < 0.6)
            {
                var tokens = random.Next(1, 40);
                var ttft = Micros(3_000_000);
                var e2e = ttft + Micros(20_000_000);
                float[]? gaps = tokens > 1 && random.NextDouble() < 0.8
                    ? Enumerable.Range(0, tokens - 1).Select(_ => (float)Micros(200_000)).ToArray()
                    : null;
                records.Add(new RequestRecord(i, $"worker-{random.Next(3)}", planned, sentAt, sentAt.AddTicks((long)(ttft * 10_000)),
                    sentAt.AddTicks((long)(e2e * 10_000)), null, RequestOutcome.Success, null, 200, 512, tokens, ttft,
                    RequestTiming.Tpot(e2e, ttft, tokens), e2e, gaps, null));
                continue;
            }
            var reason = (DropReason)random.Next(0, 6);
            var sent = reason is not (DropReason.Cancelled or DropReason.WorkerLost) || random.NextDouble() < 0.5;
            var from = sent ? sentAt : planned;
            int? status = reason switch
            {
                DropReason.Rejected => random.NextDouble() < 0.5 ? 503 : 429,
                DropReason.HttpError => 500,
                DropReason.Timeout => random.NextDouble() < 0.5 ? 200 : null,
                _ => null,
            };
            records.Add(new RequestRecord(i, "worker-0", planned, sent ? sentAt : null, null, null,
                from.AddTicks(random.NextInt64(0, 60_000_000) * 10), RequestOutcome.Dropped, reason, status, 512, 0,
                null, null, null, null, null));
        }
        return records;
    }
}
