// The lab's clients for one command: the shared Refit clients plus the AppHost's control API.
using Lab.Contracts;
using Lab.Contracts.Costs;
using Lab.Contracts.Orchestration;
using Microsoft.Extensions.DependencyInjection;

namespace Lab.Cli.Connection;

public sealed class LabConnection : IDisposable
{
    private readonly ServiceProvider provider;

    private LabConnection(LabAddress address, ServiceProvider provider)
    {
        Address = address;
        this.provider = provider;
    }

    public LabAddress Address { get; }

    /// <summary>Where the lab was looked for, for "not running" messages.</summary>
    public string Where => Address.Orchestrator?.ToString()
        ?? Address.Control?.ToString()
        ?? Address.Stale
        ?? (Address.StateDirectory is null ? "no .lab/apphost.json in this directory or above" : $"{Address.StateDirectory} names no orchestrator");

    public IOrchestratorApi Orchestrator => Address.Orchestrator is null
        ? throw CliError.LabNotRunning(Where)
        : provider.GetRequiredService<IOrchestratorApi>();

    public ICostApi Costs => Address.CostApi is null
        ? throw CliError.LabNotRunning(Address.Control?.ToString() ?? Where)
        : provider.GetRequiredService<ICostApi>();

    public AppHostControl Control => Address.Control is null
        ? throw CliError.LabNotRunning(Where)
        : provider.GetRequiredService<AppHostControl>();

    public bool HasOrchestrator => Address.Orchestrator is not null;

    /// <summary>
    /// Resolves the address (options, then .lab/apphost.json); when the state names only the control API,
    /// asks it for the orchestrator's and CostApi's endpoints.
    /// </summary>
    public static async Task<LabConnection> ConnectAsync(LabOverrides overrides, CliServices services, CancellationToken cancellationToken)
    {
        var address = LabState.Resolve(overrides, services.WorkingDirectory, services.GetEnvironmentVariable);
        var connection = Create(address, services);
        if ((address.Orchestrator is null || address.CostApi is null) && address.Control is not null)
        {
            try
            {
                var resources = await connection.Control.GetResourcesAsync(cancellationToken);
                var endpoints = resources.ToDictionary(r => r.Name, r => r.Endpoints, StringComparer.OrdinalIgnoreCase);
                var found = address with
                {
                    Orchestrator = address.Orchestrator ?? LabState.HttpEndpoint(endpoints, "orchestrator"),
                    CostApi = address.CostApi ?? LabState.HttpEndpoint(endpoints, "costapi"),
                    Endpoints = endpoints,
                };
                connection.Dispose();
                connection = Create(found, services);
            }
            catch (HttpRequestException)
            {
                // Nothing answers on the control port: the commands that need the lab say how to start it.
            }
        }
        return connection;
    }

    public static LabConnection Create(LabAddress address, CliServices services)
    {
        var collection = new ServiceCollection();
        var key = address.ApiKey;
        if (address.Orchestrator is not null)
        {
            // Runs are writes: the orchestrator gets the same bearer key CostApi's writes need.
            collection.AddOrchestratorClient(address.Orchestrator)
                .AddHttpMessageHandler(() => new LabClients.ApiKeyHandler(key))
                .ConfigurePrimaryHttpMessageHandler(services.CreateHttpHandler);
        }
        if (address.CostApi is not null)
        {
            collection.AddCostApiClient(address.CostApi, _ => key)
                .ConfigurePrimaryHttpMessageHandler(services.CreateHttpHandler);
        }
        if (address.Control is not null)
        {
            collection.AddHttpClient<AppHostControl>(c =>
                {
                    c.BaseAddress = address.Control;
                    c.Timeout = TimeSpan.FromSeconds(10);
                })
                .ConfigurePrimaryHttpMessageHandler(services.CreateHttpHandler);
        }
        return new LabConnection(address, collection.BuildServiceProvider());
    }

    public void Dispose() => provider.Dispose();
}
