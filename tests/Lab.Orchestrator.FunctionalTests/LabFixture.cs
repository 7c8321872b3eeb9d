// Real PostgreSQL and Redis from the stores AppHost under real Aspire, CostApi on Kestrel, the orchestrator in-process, load workers as real processes,
// and OpenAI-format SSE servers as the GPU targets.
using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Lab.Contracts;
using Lab.Contracts.Costs;
using Lab.Contracts.Distribution;
using Lab.Contracts.Orchestration;
using Lab.LoadWorker.Tests;
using Lab.Orchestrator.Targets;
using Lab.Testing.Processes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;

namespace Lab.Orchestrator.FunctionalTests;

public sealed class LabFixture : IAsyncLifetime
{
    public const string ApiKey = "functional-key";
    private readonly TemporaryDirectory _root = new("lab-orch-tests-");
    private readonly Dictionary<string, NativeProcess> _workers = [];
    private IDistributedApplicationTestingBuilder _storesBuilder = null!;
    private DistributedApplication _stores = null!;
    /// <summary>The PostgreSQL server without a database: where StartCostApiOnAsync creates one.</summary>
    private string _postgres = null!;

    /// <summary>What ConnectionStrings:redis holds for the services, as the AppHost hands it out.</summary>
    public string RedisConnectionString { get; private set; } = null!;
    public IConnectionMultiplexer RedisClient { get; private set; } = null!;
    public WebApplicationFactory<Lab.CostApi.Runs.RunLedger> CostApiHost { get; private set; } = null!;
    public Uri CostApiUrl { get; private set; } = null!;
    public ICostApi CostApi { get; private set; } = null!;
    public OrchestratorFactory Orchestrator { get; private set; } = null!;
    public IOrchestratorApi Api { get; private set; } = null!;
    public OpenAiSseServer GpuA { get; private set; } = null!;
    public OpenAiSseServer GpuB { get; private set; } = null!;
    public OpenAiSseServer GpuWrongModel { get; private set; } = null!;
    public List<string> WorkerOutput { get; } = [];
    /// <summary>The folder holding the e2e experiment definition the orchestrator loads.</summary>
    public string ExperimentsPath { get; private set; } = null!;
    /// <summary>The orchestrator's view of "the cluster": Deployment states the tests set per serving service.</summary>
    public ScriptedCluster Cluster { get; } = new();

    public async ValueTask InitializeAsync()
    {
        string labdb;
        using (var startup = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            // Waiting for cleanup on stop: the servers have exited before their folder is deleted.
            _storesBuilder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Lab_Stores_AppHost>(
                [$"Lab:StateDirectory={Path.Combine(_root.Path, "stores")}", "DcpPublisher:WaitForResourceCleanup=true"], startup.Token);
            _stores = await _storesBuilder.BuildAsync(startup.Token);
            await _stores.StartAsync(startup.Token);
            await _stores.ResourceNotifications.WaitForResourceHealthyAsync("redis", startup.Token);
            await _stores.ResourceNotifications.WaitForResourceHealthyAsync("labdb", startup.Token);
            RedisConnectionString = (await _stores.GetConnectionStringAsync("redis", startup.Token))!;
            _postgres = (await _stores.GetConnectionStringAsync("postgres", startup.Token))!;
            labdb = (await _stores.GetConnectionStringAsync("labdb", startup.Token))!;
        }
        RedisClient = await ConnectionMultiplexer.ConnectAsync(RedisConnectionString);

        CostApiHost = new CostApiOnKestrel(labdb);
        CostApiHost.UseKestrel(0);
        CostApiHost.StartServer();
        CostApiUrl = new Uri(CostApiHost.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        var costServices = new ServiceCollection();
        costServices.AddCostApiClient(CostApiUrl, _ => ApiKey);
        CostApi = costServices.BuildServiceProvider().GetRequiredService<ICostApi>();

        GpuA = await OpenAiSseServer.StartAsync("ok");
        GpuB = await OpenAiSseServer.StartAsync("ok");
        GpuWrongModel = await OpenAiSseServer.StartAsync("some-other-model");
        foreach (var gpu in new[] { GpuA, GpuB, GpuWrongModel })
        {
            gpu.TokenDelay = TimeSpan.FromMilliseconds(2);
        }

        var experiments = ExperimentsPath = Directory.CreateDirectory(Path.Combine(_root.Path, "experiments")).FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "e2e-experiment.yaml"), Path.Combine(experiments, "e2e.yaml"));
        Orchestrator = new OrchestratorFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = RedisConnectionString,
            ["Lab:CostApiUrl"] = CostApiUrl.ToString(),
            ["Lab:ApiKey"] = ApiKey,
            ["Lab:ExperimentsPath"] = experiments,
            ["Lab:Distribution:SweepGraceSeconds"] = "5",
            ["services:gpu-a:http:0"] = GpuA.Url.ToString(),
            ["services:gpu-b:http:0"] = GpuB.Url.ToString(),
            ["services:gpu-wrong:http:0"] = GpuWrongModel.Url.ToString(),
            // A serving Service whose Deployment has no ready replica: nothing listens behind it either.
            ["services:gpu-cluster:http:0"] = $"http://127.0.0.1:{FreePort.Next()}/",
        }, Cluster);
        var orchestratorServices = new ServiceCollection();
        orchestratorServices.AddOrchestratorClient(Orchestrator.Server.BaseAddress).ConfigurePrimaryHttpMessageHandler(() => Orchestrator.Server.CreateHandler());
        Api = orchestratorServices.BuildServiceProvider().GetRequiredService<IOrchestratorApi>();

        await StartWorkerAsync("worker-1");
        await StartWorkerAsync("worker-2");
    }

    /// <summary>Starts Lab.LoadWorker from its build output as its own process and waits until it heartbeats.</summary>
    public async Task StartWorkerAsync(string name)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0
        var dll = Path.Combine(RepositoryRoot, "Lab.LoadWorker", "bin", configuration, "net10.0", "Lab.LoadWorker.dll");
        var process = NativeProcess.Start("dotnet", [dll], (line, _) => { lock (WorkerOutput) { WorkerOutput.Add($"{name}: {line}"); } },
            new Dictionary<string, string?>
            {
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                ["ConnectionStrings__redis"] = RedisConnectionString,
                ["Lab__CostApiUrl"] = CostApiUrl.ToString(),
                ["Lab__ApiKey"] = ApiKey,
                ["Lab__Worker__Name"] = name,
                ["Lab__Worker__ReclaimIdleSeconds"] = "5",
                ["Logging__LogLevel__Default"] = "Warning",
                ["Logging__LogLevel__Lab"] = "Information",
            });
        _workers[name] = process;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"worker {name} exited: {string.Join(Environment.NewLine, WorkerOutput.TakeLast(30))}");
            }
            if (await RedisClient.GetDatabase().SortedSetScoreAsync(DistributionKeys.Workers, name) is { } beat
                && DateTimeOffset.FromUnixTimeMilliseconds((long)beat) > DateTimeOffset.UtcNow.AddSeconds(-2))
            {
                return;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"worker {name} never heartbeated: {string.Join(Environment.NewLine, WorkerOutput.TakeLast(30))}");
    }

    /// <summary>
    /// Lab.ServingSim from its build output as a plain process on a free port, serving the e2e experiment's model "ok"
    /// on the twin of Llama-3.1-8B on one H100: any OpenAI-compatible server a run can name with a target URL.
    /// </summary>
    public Task<ServingTwinProcess> StartServingTwinAsync()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(RepositoryRoot, "Lab.ServingSim", "bin", configuration, "net10.0", "Lab.ServingSim.dll");
        return ServingTwinProcess.StartAsync(dll, ["--model", "llama-3.1-8b", "--gpu", "H100-SXM-80GB", "--served-model-name", "ok", "--max-num-seqs", "256"]);
    }

    /// <summary>
    /// Another CostApi on Kestrel at the given port, over a database of its own: an orchestrator pointed at it settles
    /// "unfinished" runs at start-up, and must not find the shared ledger's runs that other tests are driving.
    /// </summary>
    public async Task<(IAsyncDisposable Host, ICostApi Client)> StartCostApiOnAsync(int port)
    {
        var database = "readiness_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new NpgsqlConnection(_postgres + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var host = new CostApiOnKestrel(new NpgsqlConnectionStringBuilder(_postgres) { Database = database }.ConnectionString);
        host.UseKestrel(port);
        host.StartServer();
        var services = new ServiceCollection();
        services.AddCostApiClient(new Uri($"http://127.0.0.1:{port}/"), _ => ApiKey);
        return (host, services.BuildServiceProvider().GetRequiredService<ICostApi>());
    }

    /// <summary>SIGKILL: no graceful shutdown, no last flush, exactly like a crashed pod.</summary>
    public void KillWorker(string name)
    {
        Process.GetProcessById(_workers[name].Pid).Kill();
        _workers[name].Exited.Wait(TimeSpan.FromSeconds(10));
    }

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Lab.sln")))
                {
                    return dir.FullName;
                }
            }
            throw new InvalidOperationException("Lab.sln not found above the test output");
        }
    }

    public async Task<RunProgress> WaitForEndAsync(Guid runId, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var run = await Api.GetRunAsync(runId, TestContext.Current.CancellationToken);
            if (run.Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled)
            {
                return run;
            }
            if (watch.Elapsed > limit)
            {
                throw new TimeoutException($"run {runId} still {run.Status} after {limit}: {run}{Environment.NewLine}{string.Join(Environment.NewLine, WorkerOutput.TakeLast(30))}");
            }
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }

    public async Task<List<RequestRecord>> RecordsAsync(Guid runId)
    {
        var all = new List<RequestRecord>();
        while (true)
        {
            var page = await CostApi.ListRecordsAsync(runId, offset: all.Count, limit: 5000, cancellationToken: TestContext.Current.CancellationToken);
            all.AddRange(page.Items);
            if (page.Items.Count == 0 || all.Count >= page.Total)
            {
                return all;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers.Values)
        {
            await worker.DisposeAsync();
        }
        await Orchestrator.DisposeAsync();
        await CostApiHost.DisposeAsync();
        await GpuA.DisposeAsync();
        await GpuB.DisposeAsync();
        await GpuWrongModel.DisposeAsync();
        RedisClient.Dispose();
        // Idle pooled sessions would hold up PostgreSQL's shutdown.
        NpgsqlConnection.ClearAllPools();
        await _stores.StopAsync();
        await _stores.DisposeAsync();
        await _storesBuilder.DisposeAsync();
        _root.Dispose();
    }

    private sealed class CostApiOnKestrel(string connectionString) : WebApplicationFactory<Lab.CostApi.Runs.RunLedger>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:labdb", connectionString);
            builder.UseSetting("Lab:ApiKey", ApiKey);
            builder.UseEnvironment("Testing");
            builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        }
    }
}

public sealed class OrchestratorFactory(IReadOnlyDictionary<string, string?> settings, IServingDeploymentInspector? cluster = null)
    : WebApplicationFactory<Lab.Orchestrator.Runs.RunRegistry>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        if (cluster is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(cluster));
        }
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
    }
}
