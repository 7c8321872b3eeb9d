using System.Diagnostics;
using k8s;
using k8s.Models;
using Lab.Hosting.Kubernetes;

namespace Lab.Hosting.Kubernetes.Tests;

public sealed class HelmChartTests
{
    private static List<object> LoadRendered(PublishedChart chart)
    {
        var values = chart.Files.Single(f => f.RelativePath == "values.yaml").Content;
        return chart.Files.Where(f => f.RelativePath.StartsWith("templates/", StringComparison.Ordinal))
            .SelectMany(f => KubernetesYaml.LoadAllFromString(ChartRenderer.Render(f.Content, values)))
            .ToList();
    }

    [Fact]
    public void Chart_has_helm_layout_and_every_object_loads_back_typed()
    {
        var chart = HelmChartWriter.Build(LabChart.Model());

        Assert.Contains(chart.Files, f => f.RelativePath == "Chart.yaml");
        Assert.Contains(chart.Files, f => f.RelativePath == "values.yaml");
        Assert.Contains(chart.Files, f => f.RelativePath.StartsWith("templates/costapi/deployment-", StringComparison.Ordinal));
        Assert.Contains(chart.Files, f => f.RelativePath.StartsWith("templates/postgres/statefulset-", StringComparison.Ordinal));
        var objects = LoadRendered(chart);
        Assert.Equal(chart.ObjectCount, objects.Count);
        Assert.All(objects.OfType<IMetadata<V1ObjectMeta>>(), o =>
        {
            Assert.Equal("lab", o.Metadata.Labels["app.kubernetes.io/name"]);
            Assert.Equal("lab", o.Metadata.Labels["app.kubernetes.io/instance"]);
            Assert.True(o.Metadata.Labels.ContainsKey("app.kubernetes.io/component"));
        });
    }

    [Fact]
    public void Serving_profiles_become_vllm_deployments_with_gpu_limits_selector_and_tolerations()
    {
        var objects = LoadRendered(HelmChartWriter.Build(LabChart.Model(LabChart.Naive(gpus: 2))));
        var naive = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "gpu-naive-vllm");
        var container = naive.Spec.Template.Spec.Containers.Single();

        Assert.StartsWith("docker.io/vllm/vllm-openai:", container.Image, StringComparison.Ordinal);
        Assert.Equal("2", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("NVIDIA-H100-80GB-HBM3", naive.Spec.Template.Spec.NodeSelector["nvidia.com/gpu.product"]);
        var toleration = Assert.Single(naive.Spec.Template.Spec.Tolerations);
        Assert.Equal(("nvidia.com/gpu", "Exists", "NoSchedule"), (toleration.Key, toleration.OperatorProperty, toleration.Effect));
        Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal(["--model", "meta-llama/Llama-3.1-8B-Instruct", "--served-model-name", "llama-3.1-8b", "--port", "8000",
            "--max-num-seqs", "1", "--tensor-parallel-size", "2"], container.Args);
        Assert.Equal("hf-token", container.Env.Single(e => e.Name == "HF_TOKEN").ValueFrom.SecretKeyRef.Name);
        Assert.Contains(naive.Spec.Template.Spec.Volumes, v => v.PersistentVolumeClaim?.ClaimName == "gpu-naive-model-cache");
        Assert.Equal(1, naive.Spec.Replicas);

        var optimized = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "gpu-optimized-vllm");
        Assert.Equal(["--max-num-batched-tokens", "8192", "--max-num-seqs", "256"], optimized.Spec.Template.Spec.Containers[0].Args.Skip(6));

        var twin = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "gpu-naive-twin");
        Assert.Equal(0, twin.Spec.Replicas);
        var service = objects.OfType<V1Service>().Single(s => s.Metadata.Name == "gpu-naive");
        Assert.Equal("gpu-naive", service.Spec.Selector["app.kubernetes.io/component"]);
        Assert.False(service.Spec.Selector.ContainsKey("lab.dev/serving-backend"));
    }

    [Fact]
    public void Env_contract_is_translated_to_cluster_dns_and_secrets_come_from_secret_objects()
    {
        var objects = LoadRendered(HelmChartWriter.Build(LabChart.Model()));
        var config = objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "orchestrator-config").Data;
        Assert.Equal("http://costapi:8080", config["services__costapi__http__0"]);
        Assert.Equal("http://gpu-naive:8000", config["services__gpu-naive__http__0"]);
        Assert.Equal("orchestrator", config["OTEL_SERVICE_NAME"]);
        Assert.Equal("http://+:8080", config["ASPNETCORE_URLS"]);

        var secrets = objects.OfType<V1Secret>().Single(s => s.Metadata.Name == "costapi-secrets").StringData;
        Assert.StartsWith("Host=postgres;Port=5432;Username=postgres;Password=", secrets["ConnectionStrings__labdb"], StringComparison.Ordinal);
        Assert.EndsWith(";Database=labdb", secrets["ConnectionStrings__labdb"], StringComparison.Ordinal);
        Assert.True(secrets.ContainsKey("Lab__ApiKey"));
        Assert.DoesNotContain(objects.OfType<V1ConfigMap>(), c => c.Data.ContainsKey("Lab__ApiKey"));

        var deployment = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "costapi");
        var env = deployment.Spec.Template.Spec.Containers[0].EnvFrom;
        Assert.Contains(env, e => e.SecretRef?.Name == "costapi-secrets");
        Assert.Contains(env, e => e.ConfigMapRef?.Name == "costapi-config");
        Assert.Equal("/health", deployment.Spec.Template.Spec.Containers[0].ReadinessProbe.HttpGet.Path);
        Assert.Equal("/alive", deployment.Spec.Template.Spec.Containers[0].LivenessProbe.HttpGet.Path);
    }

    [Fact]
    public void Replicas_stores_and_rbac_follow_the_model()
    {
        var chart = HelmChartWriter.Build(LabChart.Model());
        var objects = LoadRendered(chart);
        Assert.Equal(3, objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "loadworker").Spec.Replicas);
        Assert.Contains("replicas: 3", chart.Files.Single(f => f.RelativePath == "values.yaml").Content);

        var postgres = objects.OfType<V1StatefulSet>().Single(s => s.Metadata.Name == "postgres");
        Assert.Equal("data", postgres.Spec.VolumeClaimTemplates.Single().Metadata.Name);
        Assert.Equal("postgres-secrets", postgres.Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == "POSTGRES_PASSWORD").ValueFrom.SecretKeyRef.Name);
        Assert.Single(objects.OfType<V1StatefulSet>(), s => s.Metadata.Name == "redis");

        var role = objects.OfType<V1Role>().Single();
        // Exactly what the orchestrator's ClusterDeploymentInspector reads: deployments (apps) and pods (core), get/list.
        Assert.Equal(["apps/deployments: get,list", "/pods: get,list"],
            role.Rules.SelectMany(r => r.ApiGroups.SelectMany(g => r.Resources.Select(res => $"{g}/{res}: {string.Join(',', r.Verbs)}"))));
        var binding = objects.OfType<V1RoleBinding>().Single();
        Assert.Equal("orchestrator", binding.Subjects.Single().Name);
        Assert.Equal("orchestrator", objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "orchestrator").Spec.Template.Spec.ServiceAccountName);
    }

    [Theory]
    [InlineData("", 1, "field 'gpu' is required")]
    [InlineData("H100-SXM-80GB", 0, "field 'gpus-per-replica' is 0")]
    public void Publish_fails_naming_the_profile_and_field(string gpu, int gpus, string expected)
    {
        var error = Assert.Throws<ChartValidationException>(() => HelmChartWriter.Build(LabChart.Model(LabChart.Naive(gpu, gpus))));
        Assert.Contains("Profile 'naive-single'", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Kubectl_accepts_the_rendered_output_offline()
    {
        var kubectl = new[] { "/usr/bin/kubectl", "/usr/local/bin/kubectl" }.FirstOrDefault(File.Exists);
        Assert.SkipWhen(kubectl is null, "kubectl is not installed on this machine");
        var chart = HelmChartWriter.Build(LabChart.Model());
        var values = chart.Files.Single(f => f.RelativePath == "values.yaml").Content;
        var directory = Directory.CreateTempSubdirectory("lab-chart-");
        try
        {
            var names = new List<string>();
            foreach (var (file, i) in chart.Files.Where(f => f.RelativePath.StartsWith("templates/", StringComparison.Ordinal)).Select((f, i) => (f, i)))
            {
                var name = $"{i:D3}.yaml";
                await File.WriteAllTextAsync(Path.Combine(directory.FullName, name), ChartRenderer.Render(file.Content, values), TestContext.Current.CancellationToken);
                names.Add(name);
            }
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "kustomization.yaml"),
                "resources:\n" + string.Concat(names.Select(n => $"- {n}\n")), TestContext.Current.CancellationToken);

            var info = new ProcessStartInfo(kubectl!, ["kustomize", directory.FullName]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);

            Assert.True(process.ExitCode == 0, error);
            Assert.Equal(chart.ObjectCount, KubernetesYaml.LoadAllFromString(output).Count);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
