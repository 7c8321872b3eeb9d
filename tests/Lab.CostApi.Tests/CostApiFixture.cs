// One real PostgreSQL for the whole assembly, and the CostApi running in-process against it.
using Lab.Contracts;
using Lab.Contracts.Costs;
using Lab.Hosting.Native;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

[assembly: AssemblyFixture(typeof(Lab.CostApi.Tests.CostApiFixture))]

namespace Lab.CostApi.Tests;

public sealed class CostApiFixture : IAsyncLifetime
{
    public const string ApiKey = "test-key-7f3a";
    private readonly TemporaryDirectory _root = new("lab-costapi-tests-");
    private readonly List<IAsyncDisposable> _owned = [];

    public PostgresServer Postgres { get; private set; } = null!;
    public CostApiFactory Factory { get; private set; } = null!;
    /// <summary>The shared Refit client with the write key.</summary>
    public ICostApi Api { get; private set; } = null!;
    /// <summary>The same client without a key: reads work, writes must answer 401.</summary>
    public ICostApi Anonymous { get; private set; } = null!;
    public NpgsqlDataSource Database { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        // Started from a thread that never exits: setpriv's pdeathsig follows the forking thread, not the process.
        Postgres = await SpawnThread.Shared.RunAsync(() => PostgresServer.StartAsync(
            new PostgresServerOptions(Path.Combine(_root.Path, "pg"), "pg-test-pw", Databases: ["labdb"]), null, CancellationToken.None));
        Factory = new CostApiFactory(Postgres.ConnectionString("labdb"), ApiKey);
        Api = Factory.CreateCostApi(ApiKey);
        Anonymous = Factory.CreateCostApi(null);
        Database = NpgsqlDataSource.Create(Postgres.ConnectionString("labdb"));
    }

    public async Task<string> CreateFreshDatabaseAsync(CancellationToken ct)
    {
        var name = "fresh_" + Guid.NewGuid().ToString("N")[..12];
        await SpawnThread.Shared.RunAsync(async () => { await Postgres.CreateDatabaseAsync(name, ct); return name; });
        return Postgres.ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        await Factory.DisposeAsync();
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
        await Postgres.DisposeAsync();
        _root.Dispose();
    }
}

/// <summary>CostApi in-process, pointed at a database through ConnectionStrings:labdb as the AppHost would.</summary>
public sealed class CostApiFactory(string connectionString, string apiKey) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:labdb", connectionString);
        builder.UseSetting("Lab:ApiKey", apiKey);
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    /// <summary>The shared contract's Refit client, exactly as callers register it, over the in-memory server.</summary>
    public ICostApi CreateCostApi(string? key)
    {
        var services = new ServiceCollection();
        services.AddCostApiClient(Server.BaseAddress, _ => key)
            .ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler());
        return services.BuildServiceProvider().GetRequiredService<ICostApi>();
    }

    public HttpClient CreateRawClient(string? key)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }
}
