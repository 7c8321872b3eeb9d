// One GPU twin exporting OTLP to the real Aspire dashboard: enough telemetry to read back through its HTTP API.
var builder = DistributedApplication.CreateBuilder(args);
// Lab.ServingSim has no launch profile, so its HTTP endpoint is declared here (Aspire sets ASPNETCORE_URLS from it).
builder.AddProject<Projects.Lab_ServingSim>("gputwin")
    .WithHttpEndpoint()
    .WithHttpHealthCheck("/health");
builder.Build().Run();
