// Reads traces, spans, structured logs and resources from the real Aspire dashboard's telemetry HTTP API.
using System.Net;
using System.Net.Http.Json;
using System.Web;
using Lab.Dashboard.Client.Otlp;

namespace Lab.Dashboard.Client;

/// <summary>
/// A client of <c>/api/telemetry</c> on the dashboard's frontend address (Aspire 13.6.5). The AppHost turns the API on
/// for its dashboard and guards it with an API key sent as <c>x-api-key</c>; <see cref="ConnectAsync"/> gets that key
/// from the dashboard's login URL, so holding the URL the AppHost prints (or <c>GetDashboardUrlAsync</c>) is enough.
/// </summary>
public sealed class DashboardTelemetryClient : IDisposable
{
    public const string ApiKeyHeader = "x-api-key";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <param name="http">BaseAddress = the dashboard's frontend URL, with the <see cref="ApiKeyHeader"/> default header when the API is secured.</param>
    public DashboardTelemetryClient(HttpClient http) : this(http, ownsHttp: false) { }

    private DashboardTelemetryClient(HttpClient http, bool ownsHttp) => (_http, _ownsHttp) = (http, ownsHttp);

    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>A client for the dashboard at <paramref name="dashboardUrl"/> (only its scheme, host and port are used).</summary>
    /// <param name="apiKey">Dashboard:Api:PrimaryApiKey; the AppHost's <c>AppHost:DashboardApiKey</c>. Null when the API is unsecured.</param>
    public static DashboardTelemetryClient Create(Uri dashboardUrl, string? apiKey)
    {
        var http = new HttpClient { BaseAddress = new Uri(dashboardUrl.GetLeftPart(UriPartial.Authority)) };
        if (!string.IsNullOrEmpty(apiKey))
        {
            http.DefaultRequestHeaders.Add(ApiKeyHeader, apiKey);
        }
        return new DashboardTelemetryClient(http, ownsHttp: true);
    }

    /// <summary>
    /// Trades the browser token in a login URL (<c>http://localhost:15090/login?t=…</c>) for the API key through
    /// <c>POST /api/telemetry/validateToken</c>, as the Aspire CLI does, and returns a client using it.
    /// </summary>
    public static async Task<DashboardTelemetryClient> ConnectAsync(Uri loginUrl, CancellationToken cancellationToken = default)
    {
        var token = HttpUtility.ParseQueryString(loginUrl.Query)["t"];
        if (string.IsNullOrEmpty(token))
        {
            // A dashboard without a browser token (ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true) has an unsecured API too.
            return Create(loginUrl, apiKey: null);
        }
        using var probe = Create(loginUrl, apiKey: null);
        using var response = await probe._http.PostAsJsonAsync("/api/telemetry/validateToken",
            new TelemetryValidateTokenRequest(token), OtlpJsonContext.Default.TelemetryValidateTokenRequest, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new InvalidOperationException($"The dashboard at {probe.BaseAddress} refused the login token: take the login URL of the AppHost run that is running now.");
        }
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync(OtlpJsonContext.Default.TelemetryValidateTokenResponse, cancellationToken);
        return Create(loginUrl, answer?.ApiKey);
    }

    /// <summary>Resources that have sent telemetry, each replica on its own.</summary>
    public async Task<IReadOnlyList<TelemetryResource>> GetResourcesAsync(CancellationToken cancellationToken = default)
    {
        using var response = await GetAuthorizedAsync("/api/telemetry/resources", cancellationToken);
        response.EnsureSuccessStatusCode();
        var resources = await response.Content.ReadFromJsonAsync(OtlpJsonContext.Default.TelemetryResourceJsonArray, cancellationToken);
        return [.. (resources ?? []).Select(r => new TelemetryResource(r.Name, r.InstanceId, r.DisplayName, r.HasLogs, r.HasTraces, r.HasMetrics))];
    }

    /// <summary>The most recent traces (whole, every span), oldest first.</summary>
    /// <param name="resource">Traces with a span from this resource: a <see cref="TelemetryResource.Name"/>, or a <see cref="TelemetryResource.DisplayName"/> when replicas share the name.</param>
    /// <param name="search">The dashboard's search text, e.g. <c>name:llm_request</c> or <see cref="AttributeSearch"/>.</param>
    /// <param name="limit">Most traces returned (the dashboard's default: 100).</param>
    /// <returns>Empty, too, when the dashboard has no telemetry from <paramref name="resource"/> (yet).</returns>
    public async Task<IReadOnlyList<DashboardTrace>> GetTracesAsync(string? resource = null, string? search = null, bool? hasError = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var answer = await GetAsync(Query("/api/telemetry/traces", ("resource", resource), ("search", search), ("hasError", Flag(hasError)), ("limit", limit?.ToString())), cancellationToken);
        return [.. ToSpans(answer).GroupBy(s => s.TraceId).Select(g => new DashboardTrace(g.Key, [.. g]))];
    }

    /// <summary>
    /// Traces with a span whose attribute <paramref name="key"/> is exactly <paramref name="value"/> (the dashboard's own
    /// attribute search matches on "contains", so its answer is narrowed here).
    /// </summary>
    public async Task<IReadOnlyList<DashboardTrace>> GetTracesWithAttributeAsync(string key, string value, string? resource = null, CancellationToken cancellationToken = default)
    {
        var traces = await GetTracesAsync(resource, AttributeSearch(key, value), cancellationToken: cancellationToken);
        return [.. traces.Where(t => t.Spans.Any(s => s.Attributes.TryGetValue(key, out var v) && v == value))];
    }

    /// <summary>Every span the dashboard holds of one trace, or null when it has none of it (yet).</summary>
    public async Task<DashboardTrace?> GetTraceAsync(string traceId, CancellationToken cancellationToken = default)
    {
        var answer = await GetAsync("/api/telemetry/traces/" + Uri.EscapeDataString(traceId), cancellationToken);
        return answer is null ? null : new DashboardTrace(traceId, ToSpans(answer));
    }

    /// <summary>The most recent spans, oldest first.</summary>
    /// <param name="limit">Most spans returned (the dashboard's default: 200).</param>
    public async Task<IReadOnlyList<DashboardSpan>> GetSpansAsync(string? resource = null, string? traceId = null, string? search = null, bool? hasError = null, int? limit = null, CancellationToken cancellationToken = default) =>
        ToSpans(await GetAsync(Query("/api/telemetry/spans", ("resource", resource), ("traceId", traceId), ("search", search), ("hasError", Flag(hasError)), ("limit", limit?.ToString())), cancellationToken));

    /// <summary>The most recent structured log records, oldest first.</summary>
    /// <param name="severity">Lowest level returned: Trace, Debug, Information, Warning, Error or Critical.</param>
    /// <param name="limit">Most records returned (the dashboard's default: 200).</param>
    public async Task<IReadOnlyList<DashboardLogRecord>> GetLogsAsync(string? resource = null, string? traceId = null, string? severity = null, string? search = null, int? limit = null, CancellationToken cancellationToken = default) =>
        ToLogs(await GetAsync(Query("/api/telemetry/logs", ("resource", resource), ("traceId", traceId), ("severity", severity), ("search", search), ("limit", limit?.ToString())), cancellationToken));

    /// <summary>The dashboard's search qualifier for an attribute: <c>@key:value</c> (matches when the value contains it).</summary>
    public static string AttributeSearch(string key, string value) =>
        "@" + key + ":" + (value.Contains(' ', StringComparison.Ordinal) ? "\"" + value + "\"" : value);

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <summary>The API's answer, or null on 404 (an unknown trace, or a resource the dashboard has not seen).</summary>
    private async Task<TelemetryApiResponse?> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await GetAuthorizedAsync(path, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(OtlpJsonContext.Default.TelemetryApiResponse, cancellationToken);
    }

    private async Task<HttpResponseMessage> GetAuthorizedAsync(string path, CancellationToken cancellationToken)
    {
        var response = await _http.GetAsync(path, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw new InvalidOperationException($"The dashboard at {BaseAddress} refused the API key ({ApiKeyHeader}): connect with the current login URL (ConnectAsync) or the AppHost's AppHost:DashboardApiKey.");
        }
        return response;
    }

    private static string Query(string path, params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value!)).ToList();
        return given.Count == 0 ? path : path + "?" + string.Join("&", given);
    }

    private static string? Flag(bool? value) => value switch { true => "true", false => "false", null => null };

    private static List<DashboardSpan> ToSpans(TelemetryApiResponse? answer) =>
    [
        .. from resourceSpans in answer?.Data?.ResourceSpans ?? []
           let resource = Attributes(resourceSpans.Resource?.Attributes)
           from scopeSpans in resourceSpans.ScopeSpans ?? []
           from span in scopeSpans.Spans ?? []
           select new DashboardSpan(
               span.TraceId, span.SpanId, span.ParentSpanId ?? "", span.Name, (SpanKind)span.Kind,
               resource.GetValueOrDefault("service.name", ""), resource.GetValueOrDefault("service.instance.id", ""),
               scopeSpans.Scope?.Name ?? "", FromUnixNano(span.StartTimeUnixNano), FromUnixNano(span.EndTimeUnixNano),
               (SpanStatusCode)(span.Status?.Code ?? 0), span.Status?.Message, Attributes(span.Attributes))
    ];

    private static List<DashboardLogRecord> ToLogs(TelemetryApiResponse? answer) =>
    [
        .. from resourceLogs in answer?.Data?.ResourceLogs ?? []
           let resource = Attributes(resourceLogs.Resource?.Attributes)
           from scopeLogs in resourceLogs.ScopeLogs ?? []
           from log in scopeLogs.LogRecords ?? []
           select new DashboardLogRecord(
               FromUnixNano(log.TimeUnixNano), log.SeverityText ?? "", log.Body?.AsText() ?? "",
               resource.GetValueOrDefault("service.name", ""), resource.GetValueOrDefault("service.instance.id", ""),
               scopeLogs.Scope?.Name ?? "", log.TraceId ?? "", log.SpanId ?? "", Attributes(log.Attributes))
    ];

    private static Dictionary<string, string> Attributes(IReadOnlyList<OtlpKeyValue>? attributes)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in attributes ?? [])
        {
            result[attribute.Key] = attribute.Value?.AsText() ?? "";
        }
        return result;
    }

    private static DateTimeOffset FromUnixNano(ulong nanoseconds) => DateTimeOffset.UnixEpoch.AddTicks((long)(nanoseconds / 100));
}
