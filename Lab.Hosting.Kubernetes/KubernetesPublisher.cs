// The publish step: reads the AppHost's Aspire model and writes it as a Helm chart, serving profiles as real vLLM GPU workloads.
using System.Diagnostics;
using System.Text.RegularExpressions;
using Aspire.Hosting.Pipelines;
using Lab.Hosting.Local.Native;
using Microsoft.Extensions.DependencyInjection;

namespace Lab.Hosting.Kubernetes;

public static partial class KubernetesPublisher
{
    public const string StepName = "publish-kubernetes";
    public const string PublisherName = "kubernetes";

    /// <summary>The pipeline step: the chart goes into the output path (<c>--output-path</c>, else Aspire's aspire-output/).</summary>
    public static async Task PublishAsync(PipelineStepContext context, string chartName = "lab")
    {
        var started = Stopwatch.GetTimestamp();
        var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        PublishedChart chart;
        try
        {
            var model = await ToChartModelAsync(context.Model, context.ExecutionContext, chartName, context.CancellationToken);
            chart = await HelmChartWriter.WriteAsync(model, output, context.CancellationToken);
        }
        catch (Exception e)
        {
            // A failed step only stops the host: the AppHost's Run() returns and `dotnet run` would exit 0 (the Aspire CLI
            // learns of it over its backchannel instead). The pipeline logs the message.
            Environment.ExitCode = 1;
            if (e is ChartValidationException)
            {
                throw new DistributedApplicationException(e.Message);
            }
            throw;
        }
        Console.WriteLine($"kubernetes: {chart.ObjectCount} objects in {chart.Files.Count} files ({chart.Bytes / 1024.0:F1} KiB) " +
            $"in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
    }

    /// <summary>What the chart needs of the app model; environment callbacks run as for a publish.</summary>
    public static async Task<ChartModel> ToChartModelAsync(DistributedApplicationModel model, DistributedApplicationExecutionContext? executionContext = null,
        string chartName = "lab", CancellationToken cancellationToken = default)
    {
        executionContext ??= new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish);
        var published = model.Resources.Where(r => !r.IsExcludedFromPublish()).ToList();
        var serving = published.OfType<ProjectResource>()
            .Select(p => (Project: p, Annotation: p.Annotations.OfType<ServingProfileAnnotation>().LastOrDefault()))
            .Where(x => x.Annotation is not null)
            .Select(x => new ServingWorkload(x.Project.Name, x.Annotation!.Settings))
            .ToList();
        var servingNames = serving.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        var projects = new List<ProjectWorkload>();
        foreach (var project in published.OfType<ProjectResource>().Where(p => !servingNames.Contains(p.Name)))
        {
            var env = await ModelEnvironment.ForClusterAsync(project, executionContext, cancellationToken);
            var health = HealthPath(project);
            projects.Add(new ProjectWorkload(
                project.Name,
                project.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1,
                env,
                External: project.Annotations.OfType<EndpointAnnotation>().Any(e => e.IsExternal),
                HealthPath: health,
                AlivePath: health is null ? null : "/alive",
                ReplicasAsValue: true,
                // Whoever targets a serving profile explains its readiness from the Deployment's state.
                ReadsDeployments: env.OfType<ServiceUrlEnv>().Any(e => servingNames.Contains(e.Resource))));
        }

        var stores = new List<BackingStore>();
        foreach (var resource in published)
        {
            switch (resource)
            {
                case NativeRedisResource redis:
                    stores.Add(new BackingStore(redis.Name, StoreKind.Redis, redis.PasswordParameter.Name, []));
                    break;
                case NativePostgresServerResource postgres:
                    stores.Add(new BackingStore(postgres.Name, StoreKind.Postgres, postgres.PasswordParameter.Name,
                        [.. postgres.Databases.Select(d => d.DatabaseName)]));
                    break;
            }
        }
        var parameters = published.OfType<ParameterResource>().Select(p => new ChartParameter(p.Name, p.Secret)).ToList();
        return new ChartModel(chartName, "0.1.0", projects, stores, serving, parameters);
    }

    /// <summary>
    /// The path of the project's HTTP health check. WithHttpHealthCheck keeps it only in the key of the HealthCheckAnnotation
    /// it adds, "{resource}_{endpoint}_{path}_{status}_check" (Aspire 13.6), so it is read back from there for the
    /// resource's own HTTP endpoints; null when the project has none.
    /// </summary>
    private static string? HealthPath(ProjectResource project)
    {
        var keys = project.Annotations.OfType<HealthCheckAnnotation>().Select(h => h.Key).ToList();
        foreach (var endpoint in project.Annotations.OfType<EndpointAnnotation>().Where(e => e.UriScheme is "http" or "https"))
        {
            var prefix = $"{project.Name}_{endpoint.Name}_";
            foreach (var key in keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            {
                if (HttpHealthCheckKeyTail().Match(key[prefix.Length..]) is { Success: true } match)
                {
                    return match.Groups["path"].Value;
                }
            }
        }
        return null;
    }

    [GeneratedRegex(@"^(?<path>.+)_(?<status>\d+)_check$")]
    private static partial Regex HttpHealthCheckKeyTail();
}
