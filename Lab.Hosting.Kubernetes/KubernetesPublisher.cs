// `--publisher kubernetes`: the AppHost's model as a Helm chart, with serving profiles as real vLLM GPU workloads.
using System.Diagnostics;
using Lab.Hosting.ApplicationModel;
using Lab.Hosting.Orchestration;
using Lab.Hosting.Publishing;

namespace Lab.Hosting.Kubernetes;

/// <summary>Marks a project as the local stand-in (the GPU twin) for a serving profile that publishes as vLLM.</summary>
public sealed record ServingProfileAnnotation(ServingSettings Settings);

public static class KubernetesHostingExtensions
{
    /// <summary>Registers the Kubernetes publisher, as Aspire's AddKubernetesEnvironment does.</summary>
    public static IDistributedApplicationBuilder AddKubernetesEnvironment(this IDistributedApplicationBuilder builder, string chartName = "lab")
    {
        Publishers.Register("kubernetes", () => new KubernetesPublisher(chartName));
        return builder;
    }

    /// <summary>Locally this project is the twin of the profile; published, it becomes a vLLM Deployment on GPUs.</summary>
    public static IResourceBuilder<ProjectResource> WithServingProfile(this IResourceBuilder<ProjectResource> builder, ServingSettings settings)
    {
        builder.Resource.Annotations.Add(new ServingProfileAnnotation(settings));
        return builder;
    }
}

public sealed class KubernetesPublisher(string chartName = "lab") : IDistributedApplicationPublisher
{
    public string Name => "kubernetes";

    public async Task PublishAsync(DistributedApplicationModel model, PublishingContext context, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        PublishedChart chart;
        try
        {
            chart = await HelmChartWriter.WriteAsync(ToChartModel(model, chartName), context.OutputPath, cancellationToken);
        }
        catch (ChartValidationException e)
        {
            throw new DistributedApplicationException(e.Message);
        }
        Console.WriteLine($"kubernetes: {chart.ObjectCount} objects in {chart.Files.Count} files ({chart.Bytes / 1024.0:F1} KiB) " +
            $"in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
    }

    /// <summary>Pure: what the chart needs of the app model.</summary>
    public static ChartModel ToChartModel(DistributedApplicationModel model, string chartName = "lab")
    {
        var serving = model.Resources.OfType<ProjectResource>()
            .Select(p => (Project: p, Annotation: p.Annotations.OfType<ServingProfileAnnotation>().FirstOrDefault()))
            .Where(x => x.Annotation is not null)
            .Select(x => new ServingWorkload(x.Project.Name, x.Annotation!.Settings))
            .ToList();
        var servingNames = serving.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        var projects = new List<ProjectWorkload>();
        foreach (var project in model.Resources.OfType<ProjectResource>().Where(p => !servingNames.Contains(p.Name)))
        {
            var env = Environment(project, model);
            projects.Add(new ProjectWorkload(
                project.Name,
                project.Replicas,
                env,
                External: project.Endpoints.Any(e => e.IsExternal),
                HealthPath: project.HealthCheckPath,
                AlivePath: project.HealthCheckPath is null ? null : "/alive",
                ReplicasAsValue: true,
                // Whoever targets a serving profile explains its readiness from the Deployment's state.
                ReadsDeployments: env.OfType<ServiceUrlEnv>().Any(e => servingNames.Contains(e.Resource))));
        }

        var stores = new List<BackingStore>();
        foreach (var resource in model.Resources)
        {
            switch (resource)
            {
                case RedisResource redis:
                    stores.Add(new BackingStore(redis.Name, StoreKind.Redis, redis.PasswordParameter.Name, []));
                    break;
                case PostgresServerResource postgres:
                    stores.Add(new BackingStore(postgres.Name, StoreKind.Postgres, postgres.PasswordParameter.Name,
                        [.. postgres.Databases.Select(d => d.DatabaseName)]));
                    break;
            }
        }
        var parameters = model.Resources.OfType<ParameterResource>().Select(p => new ChartParameter(p.Name, p.Secret)).ToList();
        return new ChartModel(chartName, "0.1.0", projects, stores, serving, parameters);
    }

    private static List<EnvVar> Environment(ProjectResource project, DistributedApplicationModel model)
    {
        var env = new List<EnvVar>();
        foreach (var (name, value) in EnvironmentContract.Callbacks(project, DistributedApplicationOperation.Publish))
        {
            env.Add(value switch
            {
                string text => new LiteralEnv(name, text),
                ParameterResource parameter => new ParameterEnv(name, parameter.Name),
                EndpointReference endpoint => new ServiceUrlEnv(name, endpoint.Resource.Name),
                ConnectionStringReference { Resource: PostgresDatabaseResource database } =>
                    new ConnectionStringEnv(name, database.Parent.Name, database.DatabaseName),
                ConnectionStringReference connection => new ConnectionStringEnv(name, connection.Resource.Name, null),
                _ => throw new DistributedApplicationException(
                    $"Resource '{project.Name}': environment variable '{name}' has a value the Kubernetes publisher cannot translate ({value.GetType().Name})."),
            });
        }
        return env;
    }
}
