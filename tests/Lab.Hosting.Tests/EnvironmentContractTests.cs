using Lab.Hosting.ApplicationModel;
using Lab.Hosting.Orchestration;

namespace Lab.Hosting.Tests;

/// <summary>Pins the exact environment each project receives (docs/hosting/apphost.md's contract), computed without starting anything.</summary>
public sealed class EnvironmentContractTests
{
    private sealed class Metadata(string name) : IProjectMetadata
    {
        public string ProjectPath => $"/src/{name}/{name}.csproj";
        public string AssemblyPath => $"/src/{name}/bin/{name}.dll";
    }

    private static (DistributedApplicationModel Model, PortAllocation Values, ProjectResource Api, ProjectResource Client) SmallModel()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var redis = builder.AddRedis("redis");
        var db = builder.AddPostgres("postgres").AddDatabase("labdb");
        var key = builder.AddParameter("api-key", secret: true);
        var api = builder.AddProject("api", new Metadata("Api")).WithReplicas(3).WithHttpHealthCheck("/health");
        var client = builder.AddProject("client", new Metadata("Client"))
            .WithReference(redis).WithReference(db).WithReference(api).WaitFor(api)
            .WithEnvironment("Lab__ApiKey", key)
            .WithEnvironment("Plain", "value")
            .WithEnvironment(context => context.EnvironmentVariables["FromCallback"] = context.ExecutionContext.IsRunMode ? "run" : "publish");

        var model = new DistributedApplicationModel(builder.Resources);
        var next = 41000;
        var values = PortAllocation.Allocate(model, () => next++, _ => true);
        values.SetParameter("redis-password", "rpw");
        values.SetParameter("postgres-password", "ppw");
        values.SetParameter("api-key", "k3y");
        return (model, values, api.Resource, client.Resource);
    }

    [Fact]
    public void Client_gets_connection_strings_one_service_entry_per_replica_and_the_otel_contract()
    {
        var (_, values, _, client) = SmallModel();

        var env = EnvironmentContract.ForRun(client, 0, values, new RunEnvironment("http://127.0.0.1:18889"));

        // Ports in declaration order: redis 41000, postgres 41001, api replicas 41002-41004, client 41005.
        var expected = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:41005",
            ["ConnectionStrings__labdb"] = "Host=127.0.0.1;Port=41001;Username=postgres;Password=ppw;Database=labdb",
            ["ConnectionStrings__redis"] = "127.0.0.1:41000,password=rpw",
            ["DOTNET_TC_CallCountingDelayMs"] = "1000",
            ["FromCallback"] = "run",
            ["Lab__ApiKey"] = "k3y",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:18889",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "service.instance.id=client-0",
            ["OTEL_SERVICE_NAME"] = "client",
            ["OTEL_TRACES_SAMPLER"] = "always_on",
            ["Plain"] = "value",
            ["services__api__http__0"] = "http://127.0.0.1:41002",
            ["services__api__http__1"] = "http://127.0.0.1:41003",
            ["services__api__http__2"] = "http://127.0.0.1:41004",
        };
        Assert.Equal(expected, env);
    }

    [Fact]
    public void Each_replica_listens_on_its_own_port_and_has_its_own_instance_id()
    {
        var (_, values, api, _) = SmallModel();

        var replicas = Enumerable.Range(0, 3).Select(i => EnvironmentContract.ForRun(api, i, values, new RunEnvironment("http://127.0.0.1:18889"))).ToList();

        Assert.Equal(["http://127.0.0.1:41002", "http://127.0.0.1:41003", "http://127.0.0.1:41004"], replicas.Select(r => r["ASPNETCORE_URLS"]));
        Assert.Equal(["service.instance.id=api-0", "service.instance.id=api-1", "service.instance.id=api-2"],
            replicas.Select(r => r["OTEL_RESOURCE_ATTRIBUTES"]));
        Assert.All(replicas, r => Assert.Equal("api", r["OTEL_SERVICE_NAME"]));
        Assert.All(replicas, r => Assert.DoesNotContain(r.Keys, k => k.StartsWith("services__", StringComparison.Ordinal)));
    }

    [Fact]
    public void Outside_development_the_sampler_and_batch_delay_are_left_to_the_defaults()
    {
        var (_, values, _, client) = SmallModel();

        var env = EnvironmentContract.ForRun(client, 0, values, new RunEnvironment("http://collector:4317", "Production"));

        Assert.Equal("Production", env["ASPNETCORE_ENVIRONMENT"]);
        Assert.False(env.ContainsKey("OTEL_BSP_SCHEDULE_DELAY"));
        Assert.False(env.ContainsKey("OTEL_TRACES_SAMPLER"));
    }

    [Fact]
    public void The_tiering_delay_of_a_local_run_can_be_changed_or_left_to_the_runtime()
    {
        var (_, values, _, client) = SmallModel();

        var configured = EnvironmentContract.ForRun(client, 0, values, new RunEnvironment("http://127.0.0.1:18889", TieringDelayMs: "250"));
        var runtimeDefault = EnvironmentContract.ForRun(client, 0, values, new RunEnvironment("http://127.0.0.1:18889", TieringDelayMs: null));

        Assert.Equal("250", configured["DOTNET_TC_CallCountingDelayMs"]);
        Assert.False(runtimeDefault.ContainsKey("DOTNET_TC_CallCountingDelayMs"));
    }

    [Fact]
    public void Callbacks_see_the_dashboard_url_only_in_a_local_run_that_started_the_dashboard()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var web = builder.AddProject("web", new Metadata("Web"))
            .WithEnvironment(context => context.EnvironmentVariables["Dashboard"] = context.DashboardUrl?.ToString() ?? "none");
        var model = new DistributedApplicationModel(builder.Resources);
        var values = PortAllocation.Allocate(model, () => 41000, _ => true);

        var withDashboard = EnvironmentContract.ForRun(web.Resource, 0, values,
            new RunEnvironment("http://127.0.0.1:18890", OtlpHeaders: "x-otlp-api-key=k", DashboardUrl: new Uri("http://127.0.0.1:18889")));
        var withoutDashboard = EnvironmentContract.ForRun(web.Resource, 0, values, new RunEnvironment("http://collector:4317"));

        Assert.Equal("http://127.0.0.1:18889/", withDashboard["Dashboard"]);
        Assert.Equal("x-otlp-api-key=k", withDashboard["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.Equal("none", withoutDashboard["Dashboard"]);
        Assert.False(withoutDashboard.ContainsKey("OTEL_EXPORTER_OTLP_HEADERS"));
        Assert.Equal("none", EnvironmentContract.ForManifest(web.Resource)["Dashboard"]);
    }

    [Fact]
    public void Manifest_environment_uses_placeholders_and_one_entry_per_reference()
    {
        var (_, _, _, client) = SmallModel();

        var env = EnvironmentContract.ForManifest(client);

        Assert.Equal("{labdb.connectionString}", env["ConnectionStrings__labdb"]);
        Assert.Equal("{redis.connectionString}", env["ConnectionStrings__redis"]);
        Assert.Equal("{api.bindings.http.url}", env["services__api__http__0"]);
        Assert.False(env.ContainsKey("services__api__http__1"));
        Assert.Equal("{api-key.value}", env["Lab__ApiKey"]);
        Assert.Equal("publish", env["FromCallback"]);
        Assert.Equal("{client.bindings.http.targetPort}", env["HTTP_PORTS"]);
    }

    [Fact]
    public void A_fixed_port_that_is_taken_names_the_resource_and_the_port()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        builder.AddProject("pinned", new Metadata("Pinned")).WithHttpEndpoint(port: 5999, name: "admin");
        var model = new DistributedApplicationModel(builder.Resources);

        var error = Assert.Throws<Native.PortInUseException>(() => PortAllocation.Allocate(model, () => 40000, port => port != 5999));

        Assert.Equal("pinned", error.Resource);
        Assert.Equal(5999, error.Port);
        Assert.Contains("'pinned'", error.Message);
        Assert.Contains("5999", error.Message);
    }
}
