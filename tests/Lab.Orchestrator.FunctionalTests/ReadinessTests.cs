// The orchestrator starts beside CostApi (not after it) and is ready only once its experiment catalog is in CostApi.
using System.Diagnostics;
using System.Net;
using Lab.Testing.Processes;

namespace Lab.Orchestrator.FunctionalTests;

public sealed class ReadinessTests(LabFixture lab)
{
    [Fact]
    public async Task Health_stays_unhealthy_until_the_catalog_is_published_to_a_CostApi_that_comes_up_later()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePort.Next();
        await using var orchestrator = new OrchestratorFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = lab.RedisConnectionString,
            ["Lab:CostApiUrl"] = $"http://127.0.0.1:{port}/",
            ["Lab:ApiKey"] = LabFixture.ApiKey,
            ["Lab:ExperimentsPath"] = lab.ExperimentsPath,
        }, lab.Cluster);
        using var client = orchestrator.CreateClient();

        // Nothing listens on the CostApi port yet: alive, but not ready.
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        using (var alive = await client.GetAsync("/alive", ct))
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        using (var notReady = await client.GetAsync("/health", ct))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);

        var (costApiHost, costApi) = await lab.StartCostApiOnAsync(port);
        await using var _ = costApiHost;
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            await Task.Delay(100, ct);
            using var health = await client.GetAsync("/health", ct);
            status = health.StatusCode;
        }
        while (status != HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, status);
        // Ready means the definition is in CostApi.
        Assert.Equal("e2e", (await costApi.GetExperimentAsync("e2e", ct)).Id);
    }
}
