// The environment a service receives on the real Aspire model, as the service itself sees it: connection strings of the
// native stores, one service-discovery entry per endpoint, the API key, the OpenTelemetry settings; placeholders when published.
using System.Text.Json.Nodes;
using Lab.Contracts.ControlPlane;
using Lab.Hosting.Local.AppHost;
using Lab.Hosting.Local.Control;
using Lab.Hosting.Local.Native;
using Microsoft.Extensions.DependencyInjection;

namespace Lab.Hosting.Local.Tests;

public sealed class EnvironmentContractTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("lab-env-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public async Task A_client_sees_the_stores_connection_strings_its_references_the_key_and_the_otel_contract()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var builder = DistributedApplicationTestingBuilder.Create("DcpPublisher:WaitForResourceCleanup=false");
        builder.AddLabState(_state, fresh: false, binPath: null, controlPort: 0, dashboard: false);
        var redis = builder.AddNativeRedis("redis");
        var labdb = builder.AddNativePostgres("postgres").AddDatabase("labdb");
        var key = builder.AddRememberedSecret(LabStateFolder.ApiKeyParameter);
        var api = builder.AddExecutable("api", "/bin/sleep", _state, "300").WithHttpEndpoint(env: "PORT");
        var client = builder.AddExecutable("client", "/bin/sh", _state, "-c", "env; echo END-OF-ENV; exec sleep 300")
            .WithReference(redis).WaitFor(redis)
            .WithReference(labdb).WaitFor(labdb)
            .WithReference(api.GetEndpoint("http"))
            .WithEnvironment("Lab__ApiKey", key)
            .WithEnvironment("Plain", "value")
            .WithEnvironment(context => context.EnvironmentVariables["FromCallback"] = context.ExecutionContext.IsRunMode ? "run" : "publish")
            .WithOtlpExporter();
        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        await app.ResourceNotifications.WaitForResourceAsync("client", KnownResourceStates.Running, timeout.Token);

        var env = await PrintedEnvironmentAsync(app, client.Resource, timeout.Token);

        Assert.Equal(await app.GetConnectionStringAsync("redis", ct), env["ConnectionStrings__redis"]);
        Assert.Equal(await app.GetConnectionStringAsync("labdb", ct), env["ConnectionStrings__labdb"]);
        Assert.Matches(@"^(127\.0\.0\.1|localhost):\d+,password=\S+$", env["ConnectionStrings__redis"]);
        Assert.Contains("Database=labdb", env["ConnectionStrings__labdb"]);
        var apiUrl = api.GetEndpoint("http").Url;
        Assert.Equal(apiUrl, env["services__api__http__0"]);
        Assert.False(env.ContainsKey("services__api__http__1"));
        Assert.Equal(builder.Configuration[$"Parameters:{LabStateFolder.ApiKeyParameter}"], env["Lab__ApiKey"]);
        Assert.Equal(("value", "run"), (env["Plain"], env["FromCallback"]));
        Assert.Equal("client", env["OTEL_SERVICE_NAME"]);
        Assert.True(env.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"), "The OTLP endpoint is missing.");
        Assert.Matches("service.instance.id=", env["OTEL_RESOURCE_ATTRIBUTES"]);
    }

    [Fact]
    public void The_published_manifest_uses_placeholders_and_one_entry_per_reference()
    {
        var builder = LabAppHost.CreateBuilder(["--publisher", "manifest", "--output-path", Path.Combine(_state, "lab.json")]);
        var redis = builder.AddNativeRedis("redis");
        var labdb = builder.AddNativePostgres("postgres").AddDatabase("labdb");
        var key = builder.AddParameter(LabStateFolder.ApiKeyParameter, secret: true);
        var api = builder.AddExecutable("api", "/bin/sleep", _state, "300").WithHttpEndpoint(env: "PORT");
        builder.AddExecutable("client", "/bin/sleep", _state, "300")
            .WithReference(redis).WithReference(labdb).WithReference(api.GetEndpoint("http"))
            .WithEnvironment("Lab__ApiKey", key)
            .WithEnvironment(context => context.EnvironmentVariables["FromCallback"] = context.ExecutionContext.IsRunMode ? "run" : "publish");

        using StringWriter output = new(), error = new();
        Assert.Equal(0, builder.RunLab(output, error));
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(_state, "lab.json")))!;
        var env = manifest["resources"]!["client"]!["env"]!.AsObject().ToDictionary(e => e.Key, e => e.Value!.GetValue<string>());

        Assert.Equal("{redis.connectionString}", env["ConnectionStrings__redis"]);
        Assert.Equal("{labdb.connectionString}", env["ConnectionStrings__labdb"]);
        Assert.Equal("{api.bindings.http.url}", env["services__api__http__0"]);
        Assert.Equal($"{{{LabStateFolder.ApiKeyParameter}.value}}", env["Lab__ApiKey"]);
        Assert.Equal("publish", env["FromCallback"]);
        Assert.False(Directory.Exists(Path.Combine(_state, ".lab")));
    }

    /// <summary>The <c>NAME=value</c> lines a resource printed, read from Aspire's console log of it.</summary>
    private static async Task<Dictionary<string, string>> PrintedEnvironmentAsync(DistributedApplication app, IResource resource, CancellationToken ct)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        await foreach (var batch in logs.WatchAsync(resource).WithCancellation(ct))
        {
            foreach (var line in batch)
            {
                var (_, text) = ResourceBoard.SplitTimestamp(line.Content, DateTimeOffset.UtcNow);
                if (text == "END-OF-ENV")
                {
                    return env;
                }
                if (text.Split('=', 2) is [var name, var value] && name.Length > 0 && !name.Contains(' '))
                {
                    env[name] = value;
                }
            }
        }
        throw new InvalidOperationException($"{resource.Name} stopped printing before its environment was complete.");
    }
}
