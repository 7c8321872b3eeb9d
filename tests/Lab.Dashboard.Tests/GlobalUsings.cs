// Usings every test file here needs.
global using System.Net.Http.Json;
global using OpenTelemetry.Metrics;
global using OpenTelemetry.Trace;
