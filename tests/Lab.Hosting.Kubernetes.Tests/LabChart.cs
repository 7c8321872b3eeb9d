using Lab.Hosting.Kubernetes;

namespace Lab.Hosting.Kubernetes.Tests;

/// <summary>A chart model shaped like the lab's AppHost: stores, services, and the cost experiment's two profiles.</summary>
internal static class LabChart
{
    public static ServingSettings Naive(string gpu = "H100-SXM-80GB", int gpus = 1) => new(
        "naive-single", "llama-3.1-8b", gpu, gpus, 1, new Dictionary<string, string> { ["max-num-seqs"] = "1" });

    public static ServingSettings Optimized() => new(
        "optimized-batched", "llama-3.1-8b", "H100-SXM-80GB", 1, 1,
        new Dictionary<string, string> { ["max-num-seqs"] = "256", ["max-num-batched-tokens"] = "8192" });

    public static ChartModel Model(ServingSettings? naive = null) => new(
        "lab", "0.1.0",
        Projects:
        [
            new ProjectWorkload("costapi", 1, [new ConnectionStringEnv("ConnectionStrings__labdb", "postgres", "labdb"), new ParameterEnv("Lab__ApiKey", "lab-api-key")]),
            new ProjectWorkload("orchestrator", 1,
            [
                new ConnectionStringEnv("ConnectionStrings__redis", "redis", null),
                new ServiceUrlEnv("services__costapi__http__0", "costapi"),
                new ServiceUrlEnv("services__gpu-naive__http__0", "gpu-naive"),
                new ServiceUrlEnv("services__gpu-optimized__http__0", "gpu-optimized"),
                new ParameterEnv("Lab__ApiKey", "lab-api-key"),
            ], ReadsDeployments: true),
            new ProjectWorkload("loadworker", 3, [new ConnectionStringEnv("ConnectionStrings__redis", "redis", null), new ServiceUrlEnv("services__costapi__http__0", "costapi")], ReplicasAsValue: true),
            new ProjectWorkload("web", 1, [new ServiceUrlEnv("services__costapi__http__0", "costapi"), new ServiceUrlEnv("services__orchestrator__http__0", "orchestrator")], External: true),
        ],
        Stores: [new BackingStore("redis", StoreKind.Redis, "redis-password", []), new BackingStore("postgres", StoreKind.Postgres, "postgres-password", ["labdb"])],
        Serving: [new ServingWorkload("gpu-naive", naive ?? Naive()), new ServingWorkload("gpu-optimized", Optimized())],
        Parameters: [new ChartParameter("lab-api-key", true), new ChartParameter("redis-password", true), new ChartParameter("postgres-password", true)]);
}
