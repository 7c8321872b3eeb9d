using System.Diagnostics;
using System.Text.Json.Nodes;
using Lab.Hosting.Native;

namespace Lab.AppHost.Tests;

public sealed class PublishTests
{
    [Fact]
    public async Task The_apphost_writes_the_aspire_manifest_of_the_whole_lab()
    {
        using var output = new TemporaryDirectory("lab-manifest-");
        var path = Path.Combine(output.Path, "manifest.json");

        var exitCode = await RunAppHostAsync("--publisher", "manifest", "--output-path", path);

        Assert.Equal(0, exitCode);
        var resources = JsonNode.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken))!["resources"]!.AsObject();
        Assert.Equal("container.v0", (string?)resources["redis"]!["type"]);
        Assert.Equal("container.v0", (string?)resources["postgres"]!["type"]);
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
    public async Task An_unknown_publisher_exits_with_code_2()
    {
        Assert.Equal(2, await RunAppHostAsync("--publisher", "nope", "--output-path", Path.GetTempFileName()));
    }

    private static async Task<int> RunAppHostAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(new Projects.Lab_AppHost().AssemblyPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        _ = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        return process.ExitCode;
    }
}
