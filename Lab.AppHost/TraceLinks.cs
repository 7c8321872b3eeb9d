// Where Lab.Web's trace links point: the dashboard's pages when the AppHost runs it, or the AppHost's own configuration.
using Microsoft.Extensions.Configuration;

internal static class TraceLinks
{
    /// <summary>
    /// Sets Lab__TraceLinkTemplate ({traceId}) and Lab__RunTraceLinkTemplate ({runId}) on a project. A value in the
    /// AppHost's configuration wins and is passed as is, for OTLP sent to Jaeger, Tempo or the Aspire dashboard, e.g.
    /// <c>Lab__TraceLinkTemplate=http://127.0.0.1:16686/trace/{traceId}</c> in the AppHost's environment. Otherwise,
    /// in a local run with the dashboard, they point at its trace page and at its trace list filtered by run id.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithTraceLinks(this IResourceBuilder<ProjectResource> project, IConfiguration configuration) =>
        project.WithEnvironment(context =>
        {
            Set("TraceLinkTemplate", "/traces/{traceId}");
            Set("RunTraceLinkTemplate", "/traces?attr=lab.run.id={runId}");

            void Set(string key, string dashboardPath)
            {
                var value = configuration[$"Lab:{key}"] is { Length: > 0 } configured ? configured
                    : context.DashboardUrl is { } dashboard ? dashboard.GetLeftPart(UriPartial.Authority) + dashboardPath
                    : null;
                if (value is not null)
                {
                    context.EnvironmentVariables[$"Lab__{key}"] = value;
                }
            }
        });
}
