// What the Kubernetes publisher needs to know of the app model, independent of how the AppHost holds it.
namespace Lab.Hosting.Kubernetes;

public sealed record ChartModel(
    string Name,
    string Version,
    IReadOnlyList<ProjectWorkload> Projects,
    IReadOnlyList<BackingStore> Stores,
    IReadOnlyList<ServingWorkload> Serving,
    IReadOnlyList<ChartParameter> Parameters);

/// <summary>A parameter of the app model (AddParameter); secret ones go to Secrets, others to ConfigMaps.</summary>
public sealed record ChartParameter(string Name, bool Secret);

/// <summary>A .NET service: one container, an HTTP port, env from the Aspire contract.</summary>
public sealed record ProjectWorkload(
    string Name,
    int Replicas,
    IReadOnlyList<EnvVar> Environment,
    bool External = false,
    string? HealthPath = "/health",
    string? AlivePath = "/alive",
    bool ReplicasAsValue = false,
    bool ReadsDeployments = false);

public enum StoreKind
{
    Redis,
    Postgres,
}

/// <summary>Redis or PostgreSQL as a StatefulSet with a volume, replaceable by an external connection string.</summary>
public sealed record BackingStore(string Name, StoreKind Kind, string PasswordParameter, IReadOnlyList<string> Databases);

/// <summary>
/// A serving profile: a real vLLM Deployment on GPUs when published, with the twin beside it at zero replicas
/// so one value switches a cluster to a dry run without GPUs.
/// </summary>
public sealed record ServingWorkload(string Name, ServingSettings Settings);

/// <summary>
/// How one serving profile runs on GPUs, as plain data (the AppHost maps it from the experiment's profile):
/// <paramref name="Profile"/> names it in errors and pod annotations, <paramref name="VllmArgs"/> are vLLM flags without
/// their dashes (<c>max-num-seqs</c> → <c>--max-num-seqs</c>).
/// </summary>
public sealed record ServingSettings(
    string Profile,
    string Model,
    string Gpu,
    int GpusPerReplica,
    int Replicas,
    IReadOnlyDictionary<string, string> VllmArgs);

/// <summary>An environment variable of a workload, as the AppHost computes it, before translation to cluster DNS.</summary>
public abstract record EnvVar(string Name);

public sealed record LiteralEnv(string Name, string Value) : EnvVar(Name);

/// <summary>The value of a parameter (a secret one is read from the workload's Secret).</summary>
public sealed record ParameterEnv(string Name, string Parameter) : EnvVar(Name);

/// <summary><c>services__{resource}__http__{i}</c>: the URL of another resource's HTTP endpoint.</summary>
public sealed record ServiceUrlEnv(string Name, string Resource) : EnvVar(Name);

/// <summary><c>ConnectionStrings__{name}</c> of a store (or one of its databases).</summary>
public sealed record ConnectionStringEnv(string Name, string Store, string? Database) : EnvVar(Name);

/// <summary>The publish was asked for something that cannot be deployed; the message names the resource and field.</summary>
public sealed class ChartValidationException(string message) : Exception(message);
