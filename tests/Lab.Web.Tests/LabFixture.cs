// The real lab (Redis, PostgreSQL, simulated GPUs, CostApi, Orchestrator, workers, Web) through the testing builder.
using Lab.Hosting;
using Lab.Hosting.Testing;

namespace Lab.Web.Tests;

public sealed class LabFixture : IAsyncLifetime
{
    public const string ApiKey = "web-tests-key";

    private IDistributedApplicationTestingBuilder? builder;
    private DistributedApplication? app;

    public string Web { get; private set; } = "";

    public string ConsoleOutput => builder?.ConsoleOutput ?? "";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Lab_AppHost>(["--lab-api-key", ApiKey], ct);
        app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(ct);
        startup.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await app.WaitForAllHealthyAsync(startup.Token);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"The lab did not come up healthy: {e.Message}{Environment.NewLine}{builder.ConsoleOutput}", e);
        }
        Web = app.GetEndpoint("web").ToString().TrimEnd('/');
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
        if (builder is not null)
        {
            await builder.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LabCollection : ICollectionFixture<LabFixture>, ICollectionFixture<Browser>
{
    public const string Name = "lab";
}
