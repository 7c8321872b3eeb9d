// Where Lab.Web's trace links point: the Aspire dashboard's pages when the AppHost runs it, or the AppHost's own configuration.
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lab.Hosting.Local.AppHost;

public static class TraceLinks
{
    /// <summary>The Aspire dashboard's page of one trace.</summary>
    public const string DashboardTracePath = "/traces/detail/{traceId}";

    /// <summary>The Aspire dashboard's trace list filtered to one run (the span attribute every run's spans carry).</summary>
    public const string DashboardRunTracesPath = "/traces?filters=lab.run.id:equals:{runId}";

    /// <summary>Aspire's name for the dashboard resource it adds in run mode.</summary>
    private const string DashboardResourceName = "aspire-dashboard";

    /// <summary>
    /// Sets Lab__TraceLinkTemplate ({traceId}) and Lab__RunTraceLinkTemplate ({runId}) on a project. A value in the
    /// AppHost's configuration wins and is passed as is, for OTLP sent to Jaeger or Tempo, e.g.
    /// <c>Lab__TraceLinkTemplate=http://127.0.0.1:16686/trace/{traceId}</c> in the AppHost's environment. Otherwise, in a
    /// local run with the Aspire dashboard, they point at its trace page and at its trace list filtered by run id; with
    /// no dashboard (and nothing configured) the web shows trace ids without links.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithTraceLinks(this IResourceBuilder<ProjectResource> project, IConfiguration configuration, LabHostSettings settings) =>
        project.WithEnvironment(async context =>
        {
            var dashboard = context.ExecutionContext.IsRunMode && settings.Dashboard
                ? await ServedDashboardUrlAsync(context.ExecutionContext, context.CancellationToken)
                : null;
            Set("TraceLinkTemplate", DashboardTracePath);
            Set("RunTraceLinkTemplate", DashboardRunTracesPath);

            void Set(string key, string dashboardPath)
            {
                var value = configuration[$"Lab:{key}"] is { Length: > 0 } configured ? configured
                    : dashboard is not null ? dashboard + dashboardPath
                    : null;
                if (value is not null)
                {
                    context.EnvironmentVariables[$"Lab__{key}"] = value;
                }
            }
        });

    /// <summary>
    /// Where DCP serves the dashboard, as Aspire.Hosting.Testing's GetDashboardUrlAsync finds it: the port allocated to
    /// its endpoint (under the testing builder, which randomizes ports, not the one in ASPNETCORE_URLS) on the host it was
    /// configured with. Null when the model has no dashboard resource (started without one): no link then beats a dead one.
    /// </summary>
    private static async Task<string?> ServedDashboardUrlAsync(DistributedApplicationExecutionContext execution, CancellationToken cancellationToken)
    {
        if (DashboardEndpoint(execution.Services.GetService<DistributedApplicationModel>()) is not { } endpoint)
        {
            return null;
        }
        var port = await endpoint.Property(EndpointProperty.Port).GetValueAsync(cancellationToken);
        return $"{endpoint.Scheme}://{endpoint.EndpointAnnotation.TargetHost}:{port}";
    }

    /// <summary>
    /// The same address once DCP has allocated it, without waiting: null while it is not allocated yet, or when the model
    /// has no dashboard.
    /// </summary>
    public static string? AllocatedDashboardUrl(DistributedApplicationModel? model) =>
        DashboardEndpoint(model) is { EndpointAnnotation.AllocatedEndpoint: { } allocated } endpoint
            ? $"{endpoint.Scheme}://{endpoint.EndpointAnnotation.TargetHost}:{allocated.Port}"
            : null;

    private static EndpointReference? DashboardEndpoint(DistributedApplicationModel? model) =>
        model?.Resources.FirstOrDefault(r => r.Name == DashboardResourceName) is IResourceWithEndpoints dashboard
            ? dashboard.GetEndpoints().OrderBy(e => e.EndpointName == "https" ? 0 : 1).FirstOrDefault(e => e.EndpointName is "https" or "http")
            : null;
}
