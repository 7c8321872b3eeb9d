// CostApi: the lab's ledger of runs, request records, useful-work cost, SLO verdicts, matrices and decisions.
using Lab.CostApi.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapCostApi();
app.MapDiagnosticsApi();
app.Run();

public partial class Program;
