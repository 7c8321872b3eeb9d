// The whole lab, declared: storage, the control plane, load workers, one simulated GPU server per serving profile, the web UI.
var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddRedis("redis");
var labdb = builder.AddPostgres("postgres").AddDatabase("labdb");
var apiKey = builder.AddParameter("lab-api-key", secret: true);
var workers = builder.AddParameter("workers", "2");

// The cost experiment's two serving profiles: one sequence at a time vs continuous batching.
var gpuNaive = builder.AddProject<Projects.Lab_ServingSim>("gpu-naive")
    .WithArgs("--model", "llama-3.1-8b", "--gpu", "H100-SXM-80GB", "--max-num-seqs", "1")
    .WithHttpHealthCheck("/health");
var gpuOptimized = builder.AddProject<Projects.Lab_ServingSim>("gpu-optimized")
    .WithArgs("--model", "llama-3.1-8b", "--gpu", "H100-SXM-80GB", "--max-num-seqs", "256", "--max-num-batched-tokens", "8192")
    .WithHttpHealthCheck("/health");

var costapi = builder.AddProject<Projects.Lab_CostApi>("costapi")
    .WithReference(labdb).WaitFor(labdb)
    .WithEnvironment("Lab__ApiKey", apiKey)
    .WithHttpHealthCheck("/health");

var orchestrator = builder.AddProject<Projects.Lab_Orchestrator>("orchestrator")
    .WithReference(redis).WaitFor(redis)
    .WithReference(costapi).WaitFor(costapi)
    .WithReference(gpuNaive).WithReference(gpuOptimized)
    .WithEnvironment("Lab__ApiKey", apiKey)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Lab_LoadWorker>("loadworker")
    .WithReplicas(workers)
    .WithReference(redis).WaitFor(redis)
    .WithReference(costapi).WaitFor(costapi)
    .WithEnvironment("Lab__ApiKey", apiKey)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Lab_Web>("web")
    .WithExternalHttpEndpoints()
    .WithReference(costapi).WaitFor(costapi)
    .WithReference(orchestrator).WaitFor(orchestrator)
    .WithEnvironment("Lab__ApiKey", apiKey)
    .WithHttpHealthCheck("/health");

builder.Build().Run();
