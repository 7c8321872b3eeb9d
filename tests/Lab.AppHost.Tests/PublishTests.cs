// The built AppHost's publishers: Aspire's own manifest of the whole lab, and the lab's Helm chart as an Aspire publish step.
using System.Text.Json.Nodes;
using Lab.Testing.Processes;

namespace Lab.AppHost.Tests;

public sealed class PublishTests
{
    [Fact]
    public async Task The_apphost_writes_the_aspire_manifest_of_the_whole_lab()
    {
        using var output = new TemporaryDirectory("lab-manifest-");
        var path = Path.Combine(output.Path, "manifest.json");

        var (exitCode, stdout, stderr) = await BuiltAppHost.RunAsync("--publisher", "manifest", "--output-path", path);

        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}{stdout}");
        var resources = JsonNode.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken))!["resources"]!.AsObject();
        // Redis and PostgreSQL are native processes here (no container runtime), so Aspire writes them as executables.
        Assert.Equal("executable.v0", (string?)resources["redis"]!["type"]);
        Assert.Equal("executable.v0", (string?)resources["postgres"]!["type"]);
        Assert.Equal("value.v0", (string?)resources["labdb"]!["type"]);
        Assert.Equal("parameter.v0", (string?)resources["lab-api-key"]!["type"]);
        Assert.True((bool?)resources["lab-api-key"]!["inputs"]!["value"]!["secret"]);
        foreach (var project in new[] { "costapi", "orchestrator", "loadworker", "gpu-naive", "gpu-optimized", "web" })
        {
            Assert.Equal("project.v0", (string?)resources[project]!["type"]);
            // Paths are relative to the manifest, so they resolve from wherever it is written.
            Assert.True(File.Exists(Path.GetFullPath((string)resources[project]!["path"]!, output.Path)), $"{project}: {resources[project]!["path"]}");
        }
        var orchestratorEnv = resources["orchestrator"]!["env"]!;
        Assert.Equal("{redis.connectionString}", (string?)orchestratorEnv["ConnectionStrings__redis"]);
        Assert.Equal("{costapi.bindings.http.url}", (string?)orchestratorEnv["services__costapi__http__0"]);
        Assert.Equal("{gpu-naive.bindings.http.url}", (string?)orchestratorEnv["services__gpu-naive__http__0"]);
        Assert.Equal("{lab-api-key.value}", (string?)orchestratorEnv["Lab__ApiKey"]);
        Assert.Equal("{labdb.connectionString}", (string?)resources["costapi"]!["env"]!["ConnectionStrings__labdb"]);
        Assert.True((bool?)resources["web"]!["bindings"]!["http"]!["external"]);
        // The twin's flags are the naive-single profile of experiments/cost.yaml, vLLM's names.
        var args = resources["gpu-naive"]!["args"]!.AsArray().Select(a => (string?)a).ToList();
        Assert.Equal(["--model", "llama-3.1-8b", "--gpu", "H100-SXM-80GB"], args.Take(4));
        Assert.Equal("1", args[args.IndexOf("--max-num-seqs") + 1]);
    }

    [Fact]
    public async Task The_apphost_writes_the_helm_chart_with_the_serving_profiles_as_vllm_on_gpus()
    {
        using var output = new TemporaryDirectory("lab-chart-");

        var (exitCode, stdout, stderr) = await BuiltAppHost.RunAsync("--publisher", "kubernetes", "--output-path", output.Path);

        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}{stdout}");
        var files = Directory.GetFiles(output.Path, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(output.Path, f).Replace(Path.DirectorySeparatorChar, '/')).ToList();
        Assert.Contains("Chart.yaml", files);
        Assert.Contains("values.yaml", files);
        foreach (var service in new[] { "costapi", "orchestrator", "loadworker", "web" })
        {
            Assert.Contains($"templates/{service}/deployment-{service}.yaml", files);
        }
        // Each serving profile is a vLLM Deployment on GPUs, with its twin beside it.
        foreach (var target in new[] { "gpu-naive", "gpu-optimized" })
        {
            Assert.Contains($"templates/{target}/deployment-{target}-vllm.yaml", files);
            Assert.Contains($"templates/{target}/deployment-{target}-twin.yaml", files);
        }
        Assert.Contains(files, f => f.StartsWith("templates/postgres/statefulset-", StringComparison.Ordinal));
        Assert.Contains(files, f => f.StartsWith("templates/redis/statefulset-", StringComparison.Ordinal));
        Assert.Contains("name: lab", await File.ReadAllTextAsync(Path.Combine(output.Path, "Chart.yaml"), TestContext.Current.CancellationToken));
        var naive = await File.ReadAllTextAsync(Path.Combine(output.Path, "templates/gpu-naive/deployment-gpu-naive-vllm.yaml"), TestContext.Current.CancellationToken);
        Assert.Contains("image: '{{ .Values.serving.image }}:{{ .Values.serving.tag }}'", naive);
        Assert.Contains("nvidia.com/gpu: 1", naive);
        Assert.Contains("vllm/vllm-openai", await File.ReadAllTextAsync(Path.Combine(output.Path, "values.yaml"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_unknown_publisher_exits_with_code_2_and_names_the_ones_there_are()
    {
        using var output = new TemporaryDirectory("lab-publish-");

        var (exitCode, _, stderr) = await BuiltAppHost.RunAsync("--publisher", "nope", "--output-path", output.Path);

        Assert.Equal(2, exitCode);
        Assert.Contains("Unknown publisher 'nope'; use one of: kubernetes, manifest.", stderr);
        Assert.Empty(Directory.GetFileSystemEntries(output.Path));
    }
}
