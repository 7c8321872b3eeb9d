using k8s;
using k8s.Models;
using Lab.Hosting.Local;
using Lab.Hosting.Local.Native;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lab.Hosting.Kubernetes.Tests;

/// <summary>The publisher reads the real Aspire model the AppHost builds, in publish mode, and publishes through Aspire's pipeline.</summary>
public sealed class KubernetesPublisherTests : IDisposable
{
    private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("lab-publish-");

    public void Dispose() => _output.Delete(recursive: true);

    private string[] PublishArgs => ["--operation", "publish", "--step", "publish", "--output-path", _output.FullName];

    /// <summary>Shaped like Lab.AppHost: native stores, the API key, one serving profile's twin and the four services.</summary>
    private IDistributedApplicationBuilder Lab(int workers = 4, ServingSettings? naive = null, string[]? args = null)
    {
        var builder = DistributedApplication.CreateBuilder(args ?? PublishArgs);
        builder.AddLabState(stateDirectory: null, fresh: false, binPath: null);
        builder.AddKubernetesEnvironment();
        var redis = builder.AddNativeRedis("redis");
        var labdb = builder.AddNativePostgres("postgres").AddDatabase("labdb");
        var key = builder.AddParameter("lab-api-key", secret: true);
        var gpu = Project(builder, "gpu-naive", "Lab.ServingSim").WithServingProfile(naive ?? LabChart.Naive());
        var costapi = Project(builder, "costapi", "Lab.CostApi").WithReference(labdb).WaitFor(labdb).WithEnvironment("Lab__ApiKey", key);
        Project(builder, "orchestrator", "Lab.Orchestrator").WithReference(redis).WaitFor(redis).WithReference(costapi).WithReference(gpu)
            .WithEnvironment("Lab__ApiKey", key);
        Project(builder, "loadworker", "Lab.LoadWorker").WithReplicas(workers).WithReference(redis).WithReference(costapi);
        Project(builder, "web", "Lab.Web").WithExternalHttpEndpoints().WithReference(costapi);
        return builder;
    }

    /// <summary>
    /// Aspire reads the project file's folder (launch profile, appsettings) when the resource is added, so the file must
    /// exist: this repository's own. They have no launch profile, so the HTTP endpoint is declared, as the AppHost does.
    /// </summary>
    private static IResourceBuilder<ProjectResource> Project(IDistributedApplicationBuilder builder, string name, string project) =>
        builder.AddProject(name, ProjectFile(project)).WithHttpEndpoint().WithHttpHealthCheck("/health");

    private static string ProjectFile(string project)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Lab.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException($"No Lab.sln above {AppContext.BaseDirectory}");
        }
        return Path.Combine(root.FullName, project, $"{project}.csproj");
    }

    private static Task<ChartModel> ChartOf(IDistributedApplicationBuilder builder) =>
        KubernetesPublisher.ToChartModelAsync(new DistributedApplicationModel(builder.Resources), cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task App_model_translates_to_stores_projects_and_serving_workloads()
    {
        var chart = await ChartOf(Lab());

        Assert.Equal(["redis", "postgres"], chart.Stores.Select(s => s.Name));
        Assert.Equal(new BackingStore("redis", StoreKind.Redis, "redis-password", []), chart.Stores[0] with { Databases = [] });
        Assert.Equal(["labdb"], chart.Stores.Single(s => s.Kind == StoreKind.Postgres).Databases);
        Assert.Equal("postgres-password", chart.Stores.Single(s => s.Kind == StoreKind.Postgres).PasswordParameter);
        Assert.Equal("gpu-naive", Assert.Single(chart.Serving).Name);
        Assert.DoesNotContain(chart.Projects, p => p.Name == "gpu-naive");
        Assert.Equal(4, chart.Projects.Single(p => p.Name == "loadworker").Replicas);
        Assert.Equal(1, chart.Projects.Single(p => p.Name == "costapi").Replicas);
        Assert.True(chart.Projects.Single(p => p.Name == "web").External);
        Assert.False(chart.Projects.Single(p => p.Name == "costapi").External);
        Assert.True(chart.Projects.Single(p => p.Name == "orchestrator").ReadsDeployments);
        Assert.False(chart.Projects.Single(p => p.Name == "costapi").ReadsDeployments);
        Assert.All(chart.Projects, p => Assert.Equal(("/health", "/alive"), (p.HealthPath, p.AlivePath)));
        Assert.Contains(chart.Parameters, p => p is { Name: "lab-api-key", Secret: true });
        Assert.Contains(chart.Parameters, p => p is { Name: "redis-password", Secret: true });

        var orchestratorEnv = chart.Projects.Single(p => p.Name == "orchestrator").Environment;
        Assert.Contains(new ServiceUrlEnv("services__gpu-naive__http__0", "gpu-naive"), orchestratorEnv);
        Assert.Contains(new ServiceUrlEnv("services__costapi__http__0", "costapi"), orchestratorEnv);
        Assert.Contains(new ConnectionStringEnv("ConnectionStrings__redis", "redis", null), orchestratorEnv);
        Assert.Contains(new ParameterEnv("Lab__ApiKey", "lab-api-key"), orchestratorEnv);
        // In a cluster one Service fronts every replica: a single services__ entry, not one per replica.
        Assert.DoesNotContain(chart.Projects.SelectMany(p => p.Environment), e => e.Name.EndsWith("__1", StringComparison.Ordinal));
        Assert.Contains(new ConnectionStringEnv("ConnectionStrings__labdb", "postgres", "labdb"), chart.Projects.Single(p => p.Name == "costapi").Environment);
    }

    [Fact]
    public async Task Reference_variables_keep_their_meaning_in_the_cluster_and_the_chart_owns_ports_and_telemetry()
    {
        var chart = await ChartOf(Lab());
        var env = chart.Projects.Single(p => p.Name == "orchestrator").Environment;

        // Aspire 13 also hands out {NAME}_{ENDPOINT} for each reference: the same Service URL as services__.
        Assert.Contains(new ServiceUrlEnv("COSTAPI_HTTP", "costapi"), env);
        Assert.Contains(new ServiceUrlEnv("GPU_NAIVE_HTTP", "gpu-naive"), env);
        // What Aspire sets for any published .NET service holds in the cluster too (behind an ingress, via the OTLP exporter).
        Assert.Contains(new LiteralEnv("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "true"), env);
        Assert.Contains(new LiteralEnv("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY", "in_memory"), env);
        // The pod's port and telemetry are the chart's: HTTP_PORTS (the endpoint's target port) is not carried over.
        Assert.DoesNotContain(env, e => ModelEnvironment.SetByChart.Contains(e.Name));

        var objects = Rendered(HelmChartWriter.Build(chart));
        var config = objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "orchestrator-config").Data;
        Assert.Equal("http://costapi:8080", config["COSTAPI_HTTP"]);
        Assert.Equal("http://gpu-naive:8000", config["GPU_NAIVE_HTTP"]);
        Assert.Equal("http://+:8080", config["ASPNETCORE_URLS"]);
        Assert.Equal("orchestrator", config["OTEL_SERVICE_NAME"]);
        Assert.False(config.ContainsKey("HTTP_PORTS"));
    }

    [Fact]
    public async Task Probe_paths_are_those_of_WithHttpHealthCheck_and_a_project_without_one_gets_no_probes()
    {
        var builder = DistributedApplication.CreateBuilder(PublishArgs);
        builder.AddProject("ready", ProjectFile("Lab.CostApi")).WithHttpEndpoint().WithHttpHealthCheck("/ready_now", statusCode: 204);
        builder.AddProject("quiet", ProjectFile("Lab.Web")).WithHttpEndpoint();

        var chart = await ChartOf(builder);

        Assert.Equal(("/ready_now", "/alive"), chart.Projects.Single(p => p.Name == "ready") is var r ? (r.HealthPath, r.AlivePath) : default);
        Assert.Equal((null, null), chart.Projects.Single(p => p.Name == "quiet") is var q ? (q.HealthPath, q.AlivePath) : default);
    }

    [Fact]
    public async Task A_value_the_chart_cannot_express_fails_naming_resource_variable_and_type()
    {
        var builder = Lab();
        var costapi = builder.Resources.OfType<ProjectResource>().Single(p => p.Name == "costapi");
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(p => p.Name == "web"))
            .WithEnvironment("COSTAPI_HOSTNAME", new EndpointReference(costapi, "http").Property(EndpointProperty.Host));

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => ChartOf(builder));
        Assert.Contains("Resource 'web'", error.Message);
        Assert.Contains("'COSTAPI_HOSTNAME'", error.Message);
        Assert.Contains(nameof(EndpointReferenceExpression), error.Message);
    }

    [Fact]
    public async Task Publishing_through_the_aspire_pipeline_writes_a_chart_whose_objects_load_back()
    {
        using var app = Lab().Build();
        await app.RunAsync(TestContext.Current.CancellationToken);

        // Aspire's publish step adds nothing of its own (no aspire-manifest.json): the folder is the chart.
        Assert.Equal(["Chart.yaml", "templates", "values.yaml"], _output.EnumerateFileSystemInfos().Select(f => f.Name).Order(StringComparer.Ordinal));
        var values = await File.ReadAllTextAsync(Path.Combine(_output.FullName, "values.yaml"), TestContext.Current.CancellationToken);
        var objects = Directory.GetFiles(Path.Combine(_output.FullName, "templates"), "*.yaml", SearchOption.AllDirectories)
            .SelectMany(f => KubernetesYaml.LoadAllFromString(ChartRenderer.Render(File.ReadAllText(f), values)))
            .ToList();
        Assert.Equal(4, objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "loadworker").Spec.Replicas);
        Assert.Equal("1", objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "gpu-naive-vllm")
            .Spec.Template.Spec.Containers[0].Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.StartsWith("Host=postgres;Port=5432;", objects.OfType<V1Secret>().Single(s => s.Metadata.Name == "costapi-secrets").StringData["ConnectionStrings__labdb"],
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_kubernetes_publisher_switch_runs_only_the_publish_steps()
    {
        // Without the step filter every step would run, container runtime check and deploy included: no Docker here.
        using var app = Lab(args: ["--publisher", "kubernetes", "--output-path", _output.FullName]).Build();
        await app.RunAsync(TestContext.Current.CancellationToken);

        Assert.True(File.Exists(Path.Combine(_output.FullName, "Chart.yaml")));
    }

    [Fact]
    public async Task A_profile_without_a_gpu_fails_the_publish_with_exit_code_1_naming_profile_and_field()
    {
        var log = new CapturedLog();
        var builder = Lab(naive: LabChart.Naive(gpu: ""));
        builder.Services.AddLogging(logging => logging.AddProvider(log));
        using var app = builder.Build();
        try
        {
            await app.RunAsync(TestContext.Current.CancellationToken);
            Assert.Equal(1, Environment.ExitCode);
        }
        finally
        {
            Environment.ExitCode = 0;
        }
        var failure = Assert.Single(log.Errors, e => e.Contains("Step 'publish-kubernetes' failed", StringComparison.Ordinal));
        Assert.Contains("Profile 'naive-single'", failure);
        Assert.Contains("'gpu'", failure);
        Assert.False(File.Exists(Path.Combine(_output.FullName, "Chart.yaml")));
    }

    private static List<object> Rendered(PublishedChart chart)
    {
        var values = chart.Files.Single(f => f.RelativePath == "values.yaml").Content;
        return [.. chart.Files.Where(f => f.RelativePath.StartsWith("templates/", StringComparison.Ordinal))
            .SelectMany(f => KubernetesYaml.LoadAllFromString(ChartRenderer.Render(f.Content, values)))];
    }
}
