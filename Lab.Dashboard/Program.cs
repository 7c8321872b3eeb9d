// The lab dashboard: an OTLP receiver with bounded storage and pages for resources, logs, traces and metrics.
using Lab.Dashboard;

var app = DashboardApplication.Create(args);
await app.RunAsync();
