// Writes the Aspire manifest (aspire-8.0 schema): what deployment tools read to provision the same app elsewhere.
using System.Text.Json;
using System.Text.Json.Nodes;
using Lab.Hosting.ApplicationModel;
using Lab.Hosting.Orchestration;

namespace Lab.Hosting.Publishing;

public sealed class ManifestPublisher : IDistributedApplicationPublisher
{
    public string Name => "manifest";

    public async Task PublishAsync(DistributedApplicationModel model, PublishingContext context, CancellationToken cancellationToken)
    {
        var manifest = Write(model, Path.GetDirectoryName(Path.GetFullPath(context.OutputPath))!);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(context.OutputPath))!);
        await File.WriteAllTextAsync(context.OutputPath,
            manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }),
            cancellationToken);
    }

    /// <summary>Pure: the manifest of a model; project paths are written relative to <paramref name="manifestDirectory"/>.</summary>
    public static JsonObject Write(DistributedApplicationModel model, string manifestDirectory)
    {
        var resources = new JsonObject();
        foreach (var resource in model.Resources)
        {
            resources[resource.Name] = resource switch
            {
                RedisResource redis => Redis(redis),
                PostgresServerResource postgres => Postgres(postgres),
                PostgresDatabaseResource database => new JsonObject
                {
                    ["type"] = "value.v0",
                    ["connectionString"] = database.ConnectionStringExpression.ManifestExpression,
                },
                ParameterResource parameter => Parameter(parameter),
                ProjectResource project => Process(project, "project.v0", o =>
                    o["path"] = Path.GetRelativePath(manifestDirectory, project.Metadata.ProjectPath).Replace('\\', '/')),
                ExecutableResource executable => Process(executable, "executable.v0", o =>
                {
                    o["workingDirectory"] = Path.GetRelativePath(manifestDirectory, executable.WorkingDirectory).Replace('\\', '/');
                    o["command"] = executable.Command;
                }),
                _ => throw new DistributedApplicationException($"The manifest publisher does not know resource type {resource.GetType().Name}."),
            };
        }
        return new JsonObject
        {
            ["$schema"] = "https://json.schemastore.org/aspire-8.0.json",
            ["resources"] = resources,
        };
    }

    private static JsonObject Redis(RedisResource redis) => new()
    {
        ["type"] = "container.v0",
        ["connectionString"] = redis.ConnectionStringExpression.ManifestExpression,
        ["image"] = $"{RedisResource.Image}:{RedisResource.Tag}",
        ["entrypoint"] = "/bin/sh",
        ["args"] = new JsonArray("-c", "redis-server --requirepass $REDIS_PASSWORD"),
        ["env"] = new JsonObject { ["REDIS_PASSWORD"] = redis.PasswordParameter.ManifestExpression },
        ["bindings"] = TcpBinding(6379),
    };

    private static JsonObject Postgres(PostgresServerResource postgres) => new()
    {
        ["type"] = "container.v0",
        ["connectionString"] = postgres.ConnectionStringExpression.ManifestExpression,
        ["image"] = $"{PostgresServerResource.Image}:{PostgresServerResource.Tag}",
        ["env"] = new JsonObject
        {
            ["POSTGRES_HOST_AUTH_METHOD"] = "scram-sha-256",
            ["POSTGRES_INITDB_ARGS"] = "--auth-host=scram-sha-256 --auth-local=scram-sha-256",
            ["POSTGRES_USER"] = PostgresServerResource.UserName,
            ["POSTGRES_PASSWORD"] = postgres.PasswordParameter.ManifestExpression,
        },
        ["bindings"] = TcpBinding(5432),
    };

    private static JsonObject TcpBinding(int targetPort) => new()
    {
        ["tcp"] = new JsonObject { ["scheme"] = "tcp", ["protocol"] = "tcp", ["transport"] = "tcp", ["targetPort"] = targetPort },
    };

    private static JsonObject Parameter(ParameterResource parameter)
    {
        var input = new JsonObject { ["type"] = "string" };
        if (parameter.Secret)
        {
            input["secret"] = true;
        }
        if (parameter.GenerateWhenMissing)
        {
            // Locally the value is generated once; a deployment tool can do the same.
            input["default"] = new JsonObject { ["generate"] = new JsonObject { ["minLength"] = 22, ["special"] = false } };
        }
        else if (parameter.DefaultValue is not null)
        {
            input["default"] = new JsonObject { ["value"] = parameter.DefaultValue };
        }
        return new JsonObject
        {
            ["type"] = "parameter.v0",
            ["value"] = $"{{{parameter.Name}.inputs.value}}",
            ["inputs"] = new JsonObject { ["value"] = input },
        };
    }

    private static JsonObject Process(ProcessResource resource, string type, Action<JsonObject> specifics)
    {
        var node = new JsonObject { ["type"] = type };
        specifics(node);
        var args = EnvironmentContract.ArgumentsForManifest(resource);
        if (args.Count > 0)
        {
            node["args"] = new JsonArray([.. args.Select(a => (JsonNode)a)]);
        }
        var env = new JsonObject();
        foreach (var (name, value) in EnvironmentContract.ForManifest(resource))
        {
            env[name] = value;
        }
        node["env"] = env;
        var bindings = new JsonObject();
        foreach (var endpoint in resource.Endpoints)
        {
            var binding = new JsonObject { ["scheme"] = endpoint.Scheme, ["protocol"] = "tcp", ["transport"] = endpoint.Scheme is "http" or "https" ? "http" : "tcp" };
            if (endpoint.TargetPort is { } target)
            {
                binding["targetPort"] = target;
            }
            if (endpoint.IsExternal)
            {
                binding["external"] = true;
            }
            bindings[endpoint.Name] = binding;
        }
        node["bindings"] = bindings;
        return node;
    }
}
