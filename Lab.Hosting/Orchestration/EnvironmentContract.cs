// The environment each process receives: the same contract Aspire hands to projects (see docs/hosting/apphost.md).
using System.Globalization;
using Lab.Hosting.ApplicationModel;

namespace Lab.Hosting.Orchestration;

/// <summary>Settings of a local run that shape every project's environment.</summary>
public sealed record RunEnvironment(string OtlpEndpoint, string EnvironmentName = "Development", string OtlpProtocol = "grpc", string? OtlpHeaders = null,
    Uri? DashboardUrl = null, string? TieringDelayMs = RunEnvironment.LocalTieringDelayMs)
{
    /// <summary>
    /// .NET waits this long after the last newly compiled method before it starts counting calls towards optimised
    /// re-compilation (default 100 ms). A local run starts every service at once on a few cores: with the default, each
    /// recompiles its hot start-up code (twice, with dynamic PGO) while all of them are still starting. A second defers
    /// that work until the service has settled, and cut the lab's start from 7.3-8.1 s to 5.7-6.5 s on a 2-core machine
    /// (docs/benchmarks/apphost-startup.md). Steady-state code is the same once tiering starts. A value already set in
    /// the AppHost's environment (DOTNET_TC_CallCountingDelayMs) wins; Lab.AppHost's launchSettings.json sets the same
    /// second for the AppHost itself (1.9-2.3 -> 1.0 CPU-s by the time the lab is up).
    /// </summary>
    public const string LocalTieringDelayMs = "1000";

    public bool IsDevelopment => string.Equals(EnvironmentName, "Development", StringComparison.OrdinalIgnoreCase);
}

public static class EnvironmentContract
{
    /// <summary>Pure: the exact variables replica <paramref name="replica"/> of <paramref name="resource"/> gets in a local run.</summary>
    public static SortedDictionary<string, string> ForRun(ProcessResource resource, int replica, ILocalValues values, RunEnvironment run)
    {
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var http = resource.Endpoints.Where(e => e.Scheme is "http" or "https").ToList();
        if (resource is ProjectResource)
        {
            env["ASPNETCORE_URLS"] = string.Join(';', http.Select(e => new EndpointReference(resource, e.Name, EndpointProperty.Url, replica).GetValue(values)));
            env["ASPNETCORE_ENVIRONMENT"] = run.EnvironmentName;
        }
        else if (http.Count > 0)
        {
            // Executables learn their port the conventional way.
            env["PORT"] = values.Port(resource, http[0].Name, replica).ToString(CultureInfo.InvariantCulture);
        }
        if (resource is ProjectResource && run.TieringDelayMs is not null)
        {
            env["DOTNET_TC_CallCountingDelayMs"] = run.TieringDelayMs;
        }
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = run.OtlpEndpoint;
        env["OTEL_EXPORTER_OTLP_PROTOCOL"] = run.OtlpProtocol;
        if (run.OtlpHeaders is not null)
        {
            env["OTEL_EXPORTER_OTLP_HEADERS"] = run.OtlpHeaders;
        }
        env["OTEL_SERVICE_NAME"] = resource.Name;
        env["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={InstanceName(resource, replica)}";
        if (run.IsDevelopment)
        {
            // Spans show up in the dashboard within a second, and nothing is sampled away while developing.
            env["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
            env["OTEL_TRACES_SAMPLER"] = "always_on";
        }
        foreach (var (name, value) in Callbacks(resource, DistributedApplicationOperation.Run, run.DashboardUrl))
        {
            env[name] = Evaluate(value, values);
        }
        return env;
    }

    /// <summary>The same variables as manifest placeholders (<c>{costapi.bindings.http.url}</c>, <c>{labdb.connectionString}</c>).</summary>
    public static SortedDictionary<string, string> ForManifest(ProcessResource resource)
    {
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES"] = "true",
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES"] = "true",
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory",
        };
        if (resource is ProjectResource)
        {
            env["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true";
            var http = resource.Endpoints.FirstOrDefault(e => e.Scheme == "http");
            if (http is not null)
            {
                env["HTTP_PORTS"] = new EndpointReference(resource, http.Name, EndpointProperty.TargetPort).ManifestExpression;
            }
        }
        foreach (var (name, value) in Callbacks(resource, DistributedApplicationOperation.Publish))
        {
            env[name] = value switch
            {
                string text => text,
                IValueReference reference => reference.ManifestExpression,
                _ => throw new DistributedApplicationException($"Environment variable '{name}' of '{resource.Name}' has an unsupported value type."),
            };
        }
        return env;
    }

    public static IReadOnlyList<string> ArgumentsForRun(ProcessResource resource, ILocalValues values) =>
        [.. resource.Arguments.Select(a => Evaluate(a, values))];

    public static IReadOnlyList<string> ArgumentsForManifest(ProcessResource resource) =>
        [.. resource.Arguments.Select(a => a as string ?? ((IValueReference)a).ManifestExpression)];

    /// <summary>Name of one replica, as used in logs, telemetry and the control API.</summary>
    public static string InstanceName(IResource resource, int replica) => $"{resource.Name}-{replica}";

    /// <summary>The raw variables (strings and references) the model declares for one operation; publishers translate them.</summary>
    public static Dictionary<string, object> Callbacks(ProcessResource resource, DistributedApplicationOperation operation, Uri? dashboardUrl = null)
    {
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(operation)) { DashboardUrl = dashboardUrl };
        foreach (var callback in resource.EnvironmentCallbacks)
        {
            callback(context);
        }
        return context.EnvironmentVariables;
    }

    private static string Evaluate(object value, ILocalValues values) => value switch
    {
        string text => text,
        IValueReference reference => reference.GetValue(values),
        _ => throw new DistributedApplicationException($"Unsupported environment or argument value of type {value.GetType().Name}."),
    };
}
