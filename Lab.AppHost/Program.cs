// The whole lab, declared: storage, the control plane, load workers, one simulated GPU server per serving profile, the web UI.
var builder = LabAppHost.CreateBuilder(args);
builder.AddKubernetesEnvironment();

var redis = builder.AddNativeRedis("redis");
var labdb = builder.AddNativePostgres("postgres").AddDatabase("labdb");
var apiKey = builder.AddRememberedSecret(LabStateFolder.ApiKeyParameter);
var workers = builder.AddReplicaCount("workers", defaultValue: 2);

// One GPU serving endpoint per profile of the cost experiment (the planner's written picks too): the twin locally, with
// the profile's replicas behind DCP's proxy, a vLLM Deployment when published.
var cost = ExperimentLoader.LoadDirectory(Path.Combine(builder.AppHostDirectory, "..", "experiments")).Single(e => e.Id == "cost");
var servingTargets = cost.Profiles.Select(profile => builder.AddProject<Projects.Lab_ServingSim>(profile.Target!)
        .WithHttpEndpoint()
        .WithReplicas(profile.Replicas)
        .WithArgs(["--model", profile.Model, "--gpu", profile.Gpu, .. profile.ServerArgs.SelectMany(a => new[] { "--" + a.Key, a.Value })])
        .WithServingProfile(profile.ToServingSettings())
        .WithHttpHealthCheck("/health"))
    .ToList();

var costapi = builder.AddProject<Projects.Lab_CostApi>("costapi")
    .WithHttpEndpoint()
    .WithReference(labdb).WaitFor(labdb)
    .WithEnvironment("Lab__ApiKey", apiKey)
    .WithHttpHealthCheck("/health");

// The orchestrator starts beside CostApi; its /health stays Unhealthy until it has published the experiment catalog
// to CostApi, so "healthy" still means ready to run experiments.
var orchestrator = builder.AddProject<Projects.Lab_Orchestrator>("orchestrator")
    .WithHttpEndpoint()
    .WithReference(redis).WaitFor(redis)
    .WithReference(costapi)
    .WithEnvironment("Lab__ApiKey", apiKey)
    .WithHttpHealthCheck("/health");
servingTargets.ForEach(target => orchestrator.WithReference(target));

// Workers and web call CostApi and the orchestrator only per request (with retries), so they start alongside CostApi
// instead of after it: on two cores the .NET start-ups overlap rather than queue behind one another.
builder.AddProject<Projects.Lab_LoadWorker>("loadworker")
    .WithHttpEndpoint()
    .WithReplicas(workers)
    .WithReference(redis).WaitFor(redis)
    .WithReference(costapi)
    .WithEnvironment("Lab__ApiKey", apiKey)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Lab_Web>("web")
    .WithHttpEndpoint()
    .WithExternalHttpEndpoints()
    .WithReference(costapi)
    .WithReference(orchestrator)
    .WithEnvironment("Lab__ApiKey", apiKey)
    .WithTraceLinks(builder.Configuration, builder.LabSettings())
    .WithHttpHealthCheck("/health");

return builder.RunLab();
