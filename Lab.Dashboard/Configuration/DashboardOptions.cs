// The dashboard's configuration contract (section "Dashboard"), the one the AppHost sets when it starts it.
namespace Lab.Dashboard.Configuration;

public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    public FrontendOptions Frontend { get; set; } = new();
    public OtlpOptions Otlp { get; set; } = new();
    public LimitsOptions Limits { get; set; } = new();

    /// <summary>Turns off the browser token login (local use on a trusted machine only).</summary>
    public bool Unsecured { get; set; }

    /// <summary>Base URL of the AppHost control API (resources and console logs); empty = telemetry only.</summary>
    public string? ResourceServiceUrl { get; set; }
}

public sealed class FrontendOptions
{
    public string Url { get; set; } = "http://127.0.0.1:18889";

    /// <summary>The token a browser presents once at /login?t=…; required unless Dashboard:Unsecured is true.</summary>
    public string? BrowserToken { get; set; }
}

public sealed class OtlpOptions
{
    /// <summary>OTLP/gRPC endpoint: HTTP/2 cleartext (prior knowledge), so it needs a port of its own.</summary>
    public string GrpcUrl { get; set; } = "http://127.0.0.1:18890";

    /// <summary>OTLP/HTTP endpoint (POST /v1/traces, /v1/logs, /v1/metrics).</summary>
    public string HttpUrl { get; set; } = "http://127.0.0.1:18891";

    /// <summary>When set, every export must carry the header x-otlp-api-key with this value.</summary>
    public string? ApiKey { get; set; }
}

public sealed class LimitsOptions
{
    public int MaxSpans { get; set; } = 100_000;
    public int MaxLogRecords { get; set; } = 50_000;
    public int MaxMetricPoints { get; set; } = 200_000;
}
