// One real PostgreSQL for the whole assembly, from the stores AppHost under real Aspire, and the CostApi in-process against it.
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Lab.Contracts;
using Lab.Contracts.Costs;
using Lab.Testing.Processes;
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
    private readonly TemporaryDirectory _state = new("lab-costapi-tests-");
    private IDistributedApplicationTestingBuilder _builder = null!;
    private DistributedApplication _stores = null!;
    /// <summary>The server without a database: where CreateFreshDatabaseAsync creates one.</summary>
    private string _server = null!;

    public CostApiFactory Factory { get; private set; } = null!;
    /// <summary>The shared Refit client with the write key.</summary>
    public ICostApi Api { get; private set; } = null!;
    /// <summary>The same client without a key: reads work, writes must answer 401.</summary>
    public ICostApi Anonymous { get; private set; } = null!;
    public NpgsqlDataSource Database { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        // Waiting for cleanup on stop: postgres has exited before its data folder is deleted.
        _builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Lab_Stores_AppHost>(
            [$"Lab:StateDirectory={_state.Path}", "DcpPublisher:WaitForResourceCleanup=true"], startup.Token);
        _stores = await _builder.BuildAsync(startup.Token);
        await _stores.StartAsync(startup.Token);
        await _stores.ResourceNotifications.WaitForResourceHealthyAsync("labdb", startup.Token);
        _server = (await _stores.GetConnectionStringAsync("postgres", startup.Token))!;
        var labdb = (await _stores.GetConnectionStringAsync("labdb", startup.Token))!;

        Factory = new CostApiFactory(labdb, ApiKey);
        Api = Factory.CreateCostApi(ApiKey);
        Anonymous = Factory.CreateCostApi(null);
        Database = NpgsqlDataSource.Create(labdb);
    }

    public async Task<string> CreateFreshDatabaseAsync(CancellationToken ct)
    {
        var name = "fresh_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(_server + ";Pooling=false"))
        {
            await connection.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        return new NpgsqlConnectionStringBuilder(_server) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        await Factory.DisposeAsync();
        // Idle pooled sessions would hold up PostgreSQL's shutdown.
        NpgsqlConnection.ClearAllPools();
        await _stores.StopAsync();
        await _stores.DisposeAsync();
        await _builder.DisposeAsync();
        _state.Dispose();
    }
}

/// <summary>
/// CostApi in-process, pointed at a database through ConnectionStrings:labdb as the AppHost would. Named by a type of
/// its own: the stores AppHost's top-level Program is referenced here too.
/// </summary>
public sealed class CostApiFactory(string connectionString, string apiKey) : WebApplicationFactory<Lab.CostApi.Runs.RunLedger>
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
