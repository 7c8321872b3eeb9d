using k8s;
using k8s.Models;
using Lab.Hosting.ApplicationModel;
using Lab.Hosting.Kubernetes;
using Lab.Hosting.Publishing;

namespace Lab.Hosting.Kubernetes.Tests;

/// <summary>The publisher reads the same app model the AppHost runs locally.</summary>
public sealed class KubernetesPublisherTests
{
    private sealed class Metadata(string name) : IProjectMetadata
    {
        public string ProjectPath => $"/src/{name}/{name}.csproj";
        public string AssemblyPath => $"/src/{name}/bin/{name}.dll";
    }

    private static DistributedApplicationModel LabModel(int workers = 4, ProfileDefinitionOverride? naive = null)
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "kubernetes", "--output-path", "unused"]);
        builder.AddKubernetesEnvironment();
        var redis = builder.AddRedis("redis");
        var labdb = builder.AddPostgres("postgres").AddDatabase("labdb");
        var key = builder.AddParameter("lab-api-key", secret: true);
        var profile = LabChart.Naive(naive?.Gpu ?? "H100-SXM-80GB", naive?.Gpus ?? 1);
        var gpu = builder.AddProject("gpu-naive", new Metadata("Lab.ServingSim")).WithServingProfile(profile).WithHttpHealthCheck("/health");
        var costapi = builder.AddProject("costapi", new Metadata("Lab.CostApi")).WithReference(labdb).WithEnvironment("Lab__ApiKey", key).WithHttpHealthCheck("/health");
        builder.AddProject("orchestrator", new Metadata("Lab.Orchestrator")).WithReference(redis).WithReference(costapi).WithReference(gpu).WithHttpHealthCheck("/health");
        builder.AddProject("loadworker", new Metadata("Lab.LoadWorker")).WithReplicas(workers).WithReference(redis).WithReference(costapi).WithHttpHealthCheck("/health");
        builder.AddProject("web", new Metadata("Lab.Web")).WithExternalHttpEndpoints().WithReference(costapi).WithHttpHealthCheck("/health");
        return new DistributedApplicationModel(builder.Resources);
    }

    internal sealed record ProfileDefinitionOverride(string Gpu, int Gpus);

    [Fact]
    public void App_model_translates_to_stores_projects_and_serving_workloads()
    {
        var chart = KubernetesPublisher.ToChartModel(LabModel());

        Assert.Equal(["redis", "postgres"], chart.Stores.Select(s => s.Name));
        Assert.Equal(["labdb"], chart.Stores.Single(s => s.Kind == StoreKind.Postgres).Databases);
        Assert.Equal("gpu-naive", Assert.Single(chart.Serving).Name);
        Assert.DoesNotContain(chart.Projects, p => p.Name == "gpu-naive");
        Assert.Equal(4, chart.Projects.Single(p => p.Name == "loadworker").Replicas);
        Assert.True(chart.Projects.Single(p => p.Name == "web").External);
        Assert.True(chart.Projects.Single(p => p.Name == "orchestrator").ReadsDeployments);
        Assert.False(chart.Projects.Single(p => p.Name == "costapi").ReadsDeployments);
        Assert.Contains(chart.Parameters, p => p is { Name: "lab-api-key", Secret: true });

        var orchestratorEnv = chart.Projects.Single(p => p.Name == "orchestrator").Environment;
        Assert.Contains(new ServiceUrlEnv("services__gpu-naive__http__0", "gpu-naive"), orchestratorEnv);
        Assert.Contains(new ConnectionStringEnv("ConnectionStrings__redis", "redis", null), orchestratorEnv);
        // In a cluster one Service fronts every replica: a single services__ entry, not one per replica.
        Assert.DoesNotContain(orchestratorEnv, e => e.Name.EndsWith("__1", StringComparison.Ordinal));
        Assert.Contains(new ConnectionStringEnv("ConnectionStrings__labdb", "postgres", "labdb"), chart.Projects.Single(p => p.Name == "costapi").Environment);
    }

    [Fact]
    public async Task Publishing_writes_a_chart_whose_objects_load_back()
    {
        var output = Directory.CreateTempSubdirectory("lab-publish-");
        try
        {
            await new KubernetesPublisher().PublishAsync(LabModel(), new PublishingContext(output.FullName, output.FullName), TestContext.Current.CancellationToken);
            Assert.True(File.Exists(Path.Combine(output.FullName, "Chart.yaml")));
            var values = await File.ReadAllTextAsync(Path.Combine(output.FullName, "values.yaml"), TestContext.Current.CancellationToken);
            var objects = Directory.GetFiles(Path.Combine(output.FullName, "templates"), "*.yaml", SearchOption.AllDirectories)
                .SelectMany(f => KubernetesYaml.LoadAllFromString(ChartRenderer.Render(File.ReadAllText(f), values)))
                .ToList();
            Assert.Equal(4, objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "loadworker").Spec.Replicas);
            Assert.Equal("1", objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "gpu-naive-vllm")
                .Spec.Template.Spec.Containers[0].Resources.Limits["nvidia.com/gpu"].ToString());
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_profile_without_a_gpu_fails_the_publish_naming_profile_and_field()
    {
        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => new KubernetesPublisher()
            .PublishAsync(LabModel(naive: new("", 1)), new PublishingContext(Path.GetTempPath(), Path.GetTempPath()), TestContext.Current.CancellationToken));
        Assert.Contains("Profile 'naive-single'", error.Message);
        Assert.Contains("'gpu'", error.Message);
    }

    [Fact]
    public void Unknown_publisher_lists_the_valid_ones()
    {
        DistributedApplication.CreateBuilder([]).AddKubernetesEnvironment();
        var error = Assert.Throws<DistributedApplicationException>(() => Publishers.Create("helmfile"));
        Assert.Contains("kubernetes", error.Message);
        Assert.Contains("manifest", error.Message);
    }
}
