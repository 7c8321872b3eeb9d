// A project's environment as Aspire computes it for a publish, translated to what the chart can express in a cluster.
using Lab.Hosting.Local.Native;

namespace Lab.Hosting.Kubernetes;

public static class ModelEnvironment
{
    /// <summary>
    /// The chart sets these for every pod itself (ProjectObjects: one port, its own OTLP settings); the model's values
    /// describe a local process (HTTP_PORTS is the endpoint's target port, which ASPNETCORE_URLS overrides anyway).
    /// </summary>
    public static readonly IReadOnlySet<string> SetByChart = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "ASPNETCORE_URLS", "HTTP_PORTS", "HTTPS_PORTS",
        "OTEL_SERVICE_NAME", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL",
    };

    /// <summary>
    /// Runs the project's environment callbacks in publish mode and translates every value: text stays literal,
    /// parameters come from values.yaml, endpoints (services__x__http__0 and Aspire 13's X_HTTP) become the cluster
    /// Service's URL, connection strings name their store (and database).
    /// </summary>
    public static async Task<List<EnvVar>> ForClusterAsync(ProjectResource project, DistributedApplicationExecutionContext executionContext,
        CancellationToken cancellationToken)
    {
        var context = new EnvironmentCallbackContext(executionContext, project, cancellationToken: cancellationToken);
        foreach (var callback in project.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return [.. context.EnvironmentVariables
            .Where(v => !SetByChart.Contains(v.Key))
            .OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => Translate(project, v.Key, v.Value))];
    }

    private static EnvVar Translate(ProjectResource project, string name, object value) => value switch
    {
        string text => new LiteralEnv(name, text),
        ParameterResource parameter => new ParameterEnv(name, parameter.Name),
        // One Service fronts every replica: the URL is the Service's, whichever endpoint instance the model named.
        EndpointReference endpoint when IsHttp(endpoint) => new ServiceUrlEnv(name, endpoint.Resource.Name),
        EndpointReferenceExpression { Property: EndpointProperty.Url } url when IsHttp(url.Endpoint) => new ServiceUrlEnv(name, url.Endpoint.Resource.Name),
        ConnectionStringReference connection => Connection(name, connection.Resource),
        IResourceWithConnectionString resource => Connection(name, resource),
        // $"{endpoint}" or $"{parameter}" alone: the same as the value itself.
        ReferenceExpression { IsConditional: false, Format: "{0}", ValueProviders: [var single] } => Translate(project, name, single),
        _ => throw new DistributedApplicationException(
            $"Resource '{project.Name}': environment variable '{name}' has a value the Kubernetes publisher cannot translate " +
            $"({value.GetType().Name}{(value is IManifestExpressionProvider m ? " " + m.ValueExpression : "")}). " +
            "Use a string, a parameter, an HTTP endpoint or a connection string reference."),
    };

    private static bool IsHttp(EndpointReference endpoint) => endpoint.Scheme is "http" or "https";

    private static ConnectionStringEnv Connection(string name, IResourceWithConnectionString resource) => resource switch
    {
        NativePostgresDatabaseResource database => new ConnectionStringEnv(name, database.Parent.Name, database.DatabaseName),
        _ => new ConnectionStringEnv(name, resource.Name, null),
    };
}
