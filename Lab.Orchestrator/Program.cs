using Lab.Orchestrator.Apis;
using Lab.Orchestrator.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddOrchestrator();

var app = builder.Build();
app.UseExceptionHandler();
app.MapDefaultEndpoints();
app.MapExperimentsApi();
app.MapRunsApi();
app.MapDiagnosticsApi();
app.Run();
