// The OTLP JSON the dashboard's telemetry API answers with, as far as the client reads it (unknown fields are skipped).
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lab.Dashboard.Client.Otlp;

/// <summary>Every list and trace answer: OTLP data plus how many items matched and how many were returned.</summary>
internal sealed record TelemetryApiResponse(OtlpTelemetryData? Data, int TotalCount, int ReturnedCount);

internal sealed record OtlpTelemetryData(IReadOnlyList<OtlpResourceSpans>? ResourceSpans, IReadOnlyList<OtlpResourceLogs>? ResourceLogs);

internal sealed record OtlpResourceSpans(OtlpResource? Resource, IReadOnlyList<OtlpScopeSpans>? ScopeSpans);

internal sealed record OtlpScopeSpans(OtlpScope? Scope, IReadOnlyList<OtlpSpan>? Spans);

internal sealed record OtlpResourceLogs(OtlpResource? Resource, IReadOnlyList<OtlpScopeLogs>? ScopeLogs);

internal sealed record OtlpScopeLogs(OtlpScope? Scope, IReadOnlyList<OtlpLogRecord>? LogRecords);

internal sealed record OtlpResource(IReadOnlyList<OtlpKeyValue>? Attributes);

internal sealed record OtlpScope(string? Name, string? Version);

internal sealed record OtlpSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    int Kind,
    [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] ulong StartTimeUnixNano,
    [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] ulong EndTimeUnixNano,
    IReadOnlyList<OtlpKeyValue>? Attributes,
    OtlpSpanStatus? Status);

internal sealed record OtlpSpanStatus(int Code, string? Message);

internal sealed record OtlpLogRecord(
    [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] ulong TimeUnixNano,
    int SeverityNumber,
    string? SeverityText,
    OtlpAnyValue? Body,
    IReadOnlyList<OtlpKeyValue>? Attributes,
    string? TraceId,
    string? SpanId);

internal sealed record OtlpKeyValue(string Key, OtlpAnyValue? Value);

/// <summary>One OTLP value. The dashboard sends every attribute as stringValue; the others are read for completeness.</summary>
internal sealed record OtlpAnyValue(
    string? StringValue,
    bool? BoolValue,
    [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] long? IntValue,
    [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] double? DoubleValue,
    OtlpArrayValue? ArrayValue)
{
    public string AsText() =>
        StringValue
        ?? (BoolValue is { } b ? (b ? "true" : "false")
        : IntValue is { } i ? i.ToString(CultureInfo.InvariantCulture)
        : DoubleValue is { } d ? d.ToString(CultureInfo.InvariantCulture)
        : ArrayValue?.Values is { } values ? "[" + string.Join(",", values.Select(v => v.AsText())) + "]"
        : "");
}

internal sealed record OtlpArrayValue(IReadOnlyList<OtlpAnyValue>? Values);

/// <summary>The answer of POST /api/telemetry/validateToken: the API key, or null when the API is unsecured.</summary>
internal sealed record TelemetryValidateTokenResponse(string? ApiKey);

internal sealed record TelemetryValidateTokenRequest(string Token);

internal sealed record TelemetryResourceJson(string Name, string? InstanceId, string DisplayName, bool HasLogs, bool HasTraces, bool HasMetrics);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TelemetryApiResponse))]
[JsonSerializable(typeof(TelemetryValidateTokenRequest))]
[JsonSerializable(typeof(TelemetryValidateTokenResponse))]
[JsonSerializable(typeof(TelemetryResourceJson[]))]
internal sealed partial class OtlpJsonContext : JsonSerializerContext;
