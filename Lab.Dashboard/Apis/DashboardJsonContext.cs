// Source-generated JSON for every API type (camelCase, enums as strings), as the lab's services do.
using System.Text.Json;
using System.Text.Json.Serialization;
using Lab.Contracts.ControlPlane;
using Lab.Dashboard.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Lab.Dashboard.Apis;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(List<TraceSummary>))]
[JsonSerializable(typeof(TraceDetail))]
[JsonSerializable(typeof(List<LogDto>))]
[JsonSerializable(typeof(List<InstrumentSummary>))]
[JsonSerializable(typeof(MetricSeriesResponse))]
[JsonSerializable(typeof(TelemetryStats))]
[JsonSerializable(typeof(ResourcesResponse))]
[JsonSerializable(typeof(IReadOnlyList<ResourceLogLine>))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
[JsonSerializable(typeof(ProblemDetails))]
public sealed partial class DashboardJsonContext : JsonSerializerContext;
