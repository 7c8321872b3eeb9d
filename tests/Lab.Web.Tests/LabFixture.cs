// The real lab (Redis, PostgreSQL, simulated GPUs, CostApi, Orchestrator, workers, Web) through Aspire's testing builder.
using Aspire.Hosting.Testing;
using Lab.AppHost.Testing;

namespace Lab.Web.Tests;

public sealed class LabFixture : IAsyncLifetime
{
    public const string ApiKey = "web-tests-key";

    private RunningLab? _lab;

    public string Web { get; private set; } = "";

    public string ConsoleOutput => _lab?.Output ?? "";

    public async ValueTask InitializeAsync()
    {
        _lab = await RunningLab.StartAsync(["--lab-api-key", ApiKey], cancellationToken: TestContext.Current.CancellationToken);
        Web = _lab.App.GetEndpoint("web", "http").ToString().TrimEnd('/');
    }

    public async ValueTask DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LabCollection : ICollectionFixture<LabFixture>, ICollectionFixture<Browser>
{
    public const string Name = "lab";
}
