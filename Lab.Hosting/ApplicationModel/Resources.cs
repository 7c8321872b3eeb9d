// The app model's resources, mirroring Aspire.Hosting.ApplicationModel: what the lab is made of, not how it runs.
namespace Lab.Hosting.ApplicationModel;

public interface IResource
{
    string Name { get; }
}

/// <summary>A resource other resources can reach through <c>ConnectionStrings__{name}</c>.</summary>
public interface IResourceWithConnectionString : IResource
{
    ReferenceExpression ConnectionStringExpression { get; }
}

/// <summary>A resource that listens on named endpoints (one port per replica and endpoint when run locally).</summary>
public interface IResourceWithEndpoints : IResource
{
    List<EndpointAnnotation> Endpoints { get; }
}

/// <summary>A resource whose start can be held until others are healthy (<c>WaitFor</c>).</summary>
public interface IResourceWithWaitSupport : IResource
{
    List<IResource> WaitsFor { get; }
}

public interface IResourceWithParent : IResource
{
    IResource Parent { get; }
}

public sealed record EndpointAnnotation(string Name, string Scheme, int? Port, int? TargetPort)
{
    public bool IsExternal { get; set; }
}

/// <summary>A value configured outside the model (configuration <c>Parameters:{name}</c>) or generated once.</summary>
public sealed class ParameterResource(string name, bool secret, string? defaultValue, bool generateWhenMissing) : IResource, IValueReference
{
    public string Name { get; } = name;
    public bool Secret { get; } = secret;
    public string? DefaultValue { get; } = defaultValue;
    public bool GenerateWhenMissing { get; } = generateWhenMissing;

    /// <summary>Resolved when the builder is built (configuration, remembered state, or generated).</summary>
    public string? Value { get; internal set; }

    public string ManifestExpression => $"{{{Name}.value}}";

    public string GetValue(ILocalValues values) => values.Parameter(this);
}

public sealed class RedisResource(string name, ParameterResource password) : IResourceWithConnectionString, IResourceWithEndpoints
{
    public const string PrimaryEndpointName = "tcp";
    public const string Image = "docker.io/library/redis";
    public const string Tag = "7.4";

    public string Name { get; } = name;
    public ParameterResource PasswordParameter { get; } = password;
    public List<EndpointAnnotation> Endpoints { get; } = [new(PrimaryEndpointName, "tcp", null, 6379)];

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        new EndpointReference(this, PrimaryEndpointName, EndpointProperty.Host), ":",
        new EndpointReference(this, PrimaryEndpointName, EndpointProperty.Port), ",password=", PasswordParameter);
}

public sealed class PostgresServerResource(string name, ParameterResource password) : IResourceWithConnectionString, IResourceWithEndpoints
{
    public const string PrimaryEndpointName = "tcp";
    public const string Image = "docker.io/library/postgres";
    public const string Tag = "17";
    public const string UserName = "postgres";

    public string Name { get; } = name;
    public ParameterResource PasswordParameter { get; } = password;
    public List<EndpointAnnotation> Endpoints { get; } = [new(PrimaryEndpointName, "tcp", null, 5432)];
    public List<PostgresDatabaseResource> Databases { get; } = [];

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        "Host=", new EndpointReference(this, PrimaryEndpointName, EndpointProperty.Host),
        ";Port=", new EndpointReference(this, PrimaryEndpointName, EndpointProperty.Port),
        $";Username={UserName};Password=", PasswordParameter);
}

public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource parent)
    : IResourceWithConnectionString, IResourceWithParent
{
    public string Name { get; } = name;
    public string DatabaseName { get; } = databaseName;
    public PostgresServerResource Parent { get; } = parent;
    IResource IResourceWithParent.Parent => Parent;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create(new ConnectionStringReference(Parent), $";Database={DatabaseName}");
}

/// <summary>Something the AppHost starts as local processes: a .NET project or an executable.</summary>
public abstract class ProcessResource(string name) : IResourceWithEndpoints, IResourceWithWaitSupport
{
    public string Name { get; } = name;
    public List<EndpointAnnotation> Endpoints { get; } = [];
    public List<IResource> WaitsFor { get; } = [];
    public List<object> Arguments { get; } = [];
    public List<Action<EnvironmentCallbackContext>> EnvironmentCallbacks { get; } = [];
    public int Replicas { get; set; } = 1;

    /// <summary>Extra facts integrations attach (as Aspire's resource annotations), e.g. a serving profile for publishers.</summary>
    public List<object> Annotations { get; } = [];

    /// <summary>Path of the HTTP health endpoint polled on the "http" endpoint, when declared.</summary>
    public string? HealthCheckPath { get; set; }
    public string HealthCheckEndpointName { get; set; } = "http";
}

public sealed class ProjectResource(string name, IProjectMetadata metadata) : ProcessResource(name)
{
    public IProjectMetadata Metadata { get; } = metadata;
}

public sealed class ExecutableResource(string name, string command, string workingDirectory) : ProcessResource(name)
{
    public string Command { get; } = command;
    public string WorkingDirectory { get; } = workingDirectory;
}

/// <summary>Passed to <c>WithEnvironment(callback)</c>: add variables as strings or references.</summary>
public sealed class EnvironmentCallbackContext(DistributedApplicationExecutionContext executionContext)
{
    public DistributedApplicationExecutionContext ExecutionContext { get; } = executionContext;

    /// <summary>
    /// The dashboard's frontend in a local run where the AppHost started it; null when publishing, or when telemetry
    /// goes elsewhere (--otlp-endpoint, --no-dashboard). Lets a resource link to the dashboard's pages.
    /// </summary>
    public Uri? DashboardUrl { get; init; }

    /// <summary>Values are strings, <see cref="IValueReference"/>s or <see cref="ReferenceExpression"/>s.</summary>
    public Dictionary<string, object> EnvironmentVariables { get; } = new(StringComparer.Ordinal);
}

public enum DistributedApplicationOperation
{
    Run,
    Publish,
}

public sealed record DistributedApplicationExecutionContext(DistributedApplicationOperation Operation)
{
    public bool IsRunMode => Operation == DistributedApplicationOperation.Run;
    public bool IsPublishMode => Operation == DistributedApplicationOperation.Publish;
}
