using System.Text.Json.Nodes;
using Lab.Hosting.Publishing;

namespace Lab.Hosting.Tests;

public sealed class ManifestPublisherTests
{
    private sealed class Metadata : IProjectMetadata
    {
        public string ProjectPath => "/repo/Lab.Api/Lab.Api.csproj";
        public string AssemblyPath => "/repo/Lab.Api/bin/Lab.Api.dll";
    }

    [Fact]
    public void Writes_aspire_resource_types_with_placeholders()
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", "/repo/out/manifest.json"]);
        var redis = builder.AddRedis("redis");
        var db = builder.AddPostgres("postgres").AddDatabase("labdb");
        var key = builder.AddParameter("lab-api-key", secret: true);
        builder.AddProject("api", new Metadata()).WithReference(redis).WithReference(db).WithEnvironment("Lab__ApiKey", key)
            .WithArgs("--max-num-seqs", "256").WithExternalHttpEndpoints();

        var manifest = ManifestPublisher.Write(new DistributedApplicationModel(builder.Resources), "/repo/out");
        var resources = manifest["resources"]!.AsObject();

        Assert.Equal("https://json.schemastore.org/aspire-8.0.json", (string?)manifest["$schema"]);
        Assert.Equal("container.v0", (string?)resources["redis"]!["type"]);
        Assert.Equal("docker.io/library/redis:7.4", (string?)resources["redis"]!["image"]);
        Assert.Equal("{redis.bindings.tcp.host}:{redis.bindings.tcp.port},password={redis-password.value}",
            (string?)resources["redis"]!["connectionString"]);
        Assert.Equal("docker.io/library/postgres:17", (string?)resources["postgres"]!["image"]);
        Assert.Equal("value.v0", (string?)resources["labdb"]!["type"]);
        Assert.Equal("{postgres.connectionString};Database=labdb", (string?)resources["labdb"]!["connectionString"]);

        var parameter = resources["lab-api-key"]!;
        Assert.Equal("parameter.v0", (string?)parameter["type"]);
        Assert.Equal("{lab-api-key.inputs.value}", (string?)parameter["value"]);
        Assert.True((bool?)parameter["inputs"]!["value"]!["secret"]);

        var api = resources["api"]!;
        Assert.Equal("project.v0", (string?)api["type"]);
        Assert.Equal("../Lab.Api/Lab.Api.csproj", (string?)api["path"]);
        Assert.Equal(["--max-num-seqs", "256"], api["args"]!.AsArray().Select(a => (string?)a));
        Assert.Equal("{redis.connectionString}", (string?)api["env"]!["ConnectionStrings__redis"]);
        Assert.Equal("{labdb.connectionString}", (string?)api["env"]!["ConnectionStrings__labdb"]);
        Assert.Equal("{lab-api-key.value}", (string?)api["env"]!["Lab__ApiKey"]);
        var http = api["bindings"]!["http"]!.AsObject();
        Assert.Equal("http", (string?)http["scheme"]);
        Assert.True((bool?)http["external"]);
    }
}
