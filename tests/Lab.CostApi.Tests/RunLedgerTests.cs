// Registration, transitions and write authorization through the shared Refit client.
using System.Net;
using Lab.Contracts.Costs;
using Refit;
using static Lab.CostApi.Tests.TestRuns;

namespace Lab.CostApi.Tests;

public sealed class RunLedgerTests(CostApiFixture fixture)
{
    private readonly ICostApi _api = fixture.Api;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Register_is_idempotent_on_identical_retry_and_409_on_different_content()
    {
        var request = Register("ledger", Steady, Naive, 10);
        var first = await _api.RegisterRunAsync(request, Ct);
        var retry = await _api.RegisterRunAsync(request, Ct);
        Wire.Equal(first, retry);
        Assert.Equal(RunStatus.Pending, first.Status);
        Wire.Equal(request.Snapshot, first.Snapshot);

        var conflict = await Assert.ThrowsAnyAsync<ApiException>(() => _api.RegisterRunAsync(request with { Scheduled = 11 }, Ct));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
    }

    [Fact]
    public async Task Legal_transitions_walk_the_lifecycle_and_illegal_ones_answer_409_naming_states()
    {
        var id = await StartAsync(_api, Register("ledger", Steady, Optimized, 5), Ct);
        var run = await _api.GetRunAsync(id, Ct);
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal(T0, run.T0);

        var illegal = await Assert.ThrowsAnyAsync<ApiException>(() => _api.TransitionRunAsync(id, new RunTransitionRequest(RunStatus.Completed), Ct));
        Assert.Equal(HttpStatusCode.Conflict, illegal.StatusCode);
        Assert.Contains("Running", illegal.Content);
        Assert.Contains("Draining, Failed, Cancelled", illegal.Content);

        var failed = await _api.TransitionRunAsync(id, new RunTransitionRequest(RunStatus.Failed, "target unreachable"), Ct);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal("target unreachable", failed.StatusReason);
        Assert.NotNull(failed.EndedAt);
        var fromTerminal = await Assert.ThrowsAnyAsync<ApiException>(() => _api.TransitionRunAsync(id, new RunTransitionRequest(RunStatus.Running), Ct));
        Assert.Equal(HttpStatusCode.Conflict, fromTerminal.StatusCode);
        Assert.Contains("none (terminal state)", fromTerminal.Content);
    }

    [Fact]
    public async Task List_filters_by_experiment_case_profile_and_status()
    {
        var experiment = "list-" + Guid.NewGuid().ToString("N")[..8];
        var a = await StartAsync(_api, Register(experiment, Steady, Naive, 3), Ct);
        await _api.RegisterRunAsync(Register(experiment, Burst, Naive, 3), Ct);

        var running = await _api.ListRunsAsync(new RunQuery(experiment, Status: RunStatus.Running), Ct);
        Assert.Equal([a], running.Select(r => r.Id));
        var burst = await _api.ListRunsAsync(new RunQuery(experiment, Case: Burst), Ct);
        Assert.Equal(RunStatus.Pending, Assert.Single(burst).Status);
        Assert.Equal(2, (await _api.ListRunsAsync(new RunQuery(experiment, Profile: Naive), Ct)).Count);
    }

    [Fact]
    public async Task Writes_without_or_with_a_wrong_key_answer_401_and_write_nothing()
    {
        var request = Register("auth", Steady, Naive, 3);
        var missing = await Assert.ThrowsAnyAsync<ApiException>(() => fixture.Anonymous.RegisterRunAsync(request, Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        var wrong = fixture.Factory.CreateCostApi("not-the-key");
        var wrongKey = await Assert.ThrowsAnyAsync<ApiException>(() => wrong.RegisterRunAsync(request, Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        var unknown = await Assert.ThrowsAnyAsync<ApiException>(() => _api.GetRunAsync(request.RunId, Ct));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        var id = await StartAsync(_api, Register("auth", Steady, Naive, 3), Ct);
        var ingest = await Assert.ThrowsAnyAsync<ApiException>(() => wrong.IngestRecordsAsync(id, new RecordBatch([Success(0, 0, 10)]), Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, ingest.StatusCode);
        Assert.Equal(0, (await fixture.Anonymous.ListRecordsAsync(id, cancellationToken: Ct)).Total);
        var price = await Assert.ThrowsAnyAsync<ApiException>(() => fixture.Anonymous.UpsertPriceAsync("L4", H100 with { Gpu = "L4", UsdPerGpuHour = 99 }, Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, price.StatusCode);
        Assert.Equal(0.70m, (await fixture.Anonymous.GetPriceAsync("L4", Ct)).UsdPerGpuHour);
    }

    [Fact]
    public async Task Prices_are_seeded_with_source_and_date_and_upsertable()
    {
        var prices = await _api.ListPricesAsync(Ct);
        var h100 = Assert.Single(prices, p => p.Gpu == "H100-SXM-80GB");
        Assert.Equal(2.99m, h100.UsdPerGpuHour);
        Assert.Equal(new DateOnly(2026, 5, 1), h100.AsOf);
        Assert.Contains("Lambda", h100.Source);
        Assert.Contains(prices, p => p.Gpu == "A100-80GB");

        var custom = new GpuPrice("TEST-GPU-" + Guid.NewGuid().ToString("N")[..6], 1.234567m, "test", new DateOnly(2026, 1, 1));
        Assert.Equal(custom, await _api.UpsertPriceAsync(custom.Gpu, custom, Ct));
        var invalid = await Assert.ThrowsAnyAsync<ApiException>(() => _api.UpsertPriceAsync(custom.Gpu, custom with { UsdPerGpuHour = 0 }, Ct));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("usdPerGpuHour", invalid.Content);
    }
}
