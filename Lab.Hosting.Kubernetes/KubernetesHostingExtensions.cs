// What the AppHost calls: the Kubernetes publish step in Aspire's pipeline, and serving profiles on the GPU twins.
using Aspire.Hosting.Pipelines;

namespace Lab.Hosting.Kubernetes;

/// <summary>Marks a project as the local stand-in (the GPU twin) for a serving profile that publishes as vLLM.</summary>
public sealed record ServingProfileAnnotation(ServingSettings Settings) : IResourceAnnotation;

public static class KubernetesHostingExtensions
{
    /// <summary>
    /// Adds the step that writes the model as a Helm chart into the pipeline's output path when the AppHost publishes
    /// (<c>--operation publish --step publish --output-path &lt;dir&gt;</c>, or <c>--publisher kubernetes --output-path &lt;dir&gt;</c>).
    /// </summary>
    public static IDistributedApplicationBuilder AddKubernetesEnvironment(this IDistributedApplicationBuilder builder, string chartName = "lab")
    {
        // Not after publish-prereq: its process-parameters step waits for someone to type each parameter that has no value,
        // forever when no Aspire CLI is attached, and the chart never reads a value (secrets are set in values.yaml at install).
        builder.Pipeline.AddStep(KubernetesPublisher.StepName, context => KubernetesPublisher.PublishAsync(context, chartName),
            requiredBy: WellKnownPipelineSteps.Publish);
        // Without --step the pipeline runs every step it has, deploy and destroy included; Aspire maps --publisher manifest
        // to its one step the same way.
        if (string.Equals(builder.Configuration["Publishing:Publisher"], KubernetesPublisher.PublisherName, StringComparison.OrdinalIgnoreCase)
            && string.IsNullOrEmpty(builder.Configuration["Pipeline:Step"]))
        {
            builder.Configuration["Pipeline:Step"] = WellKnownPipelineSteps.Publish;
        }
        return builder;
    }

    /// <summary>Locally this project is the twin of the profile; published, it becomes a vLLM Deployment on GPUs.</summary>
    public static IResourceBuilder<ProjectResource> WithServingProfile(this IResourceBuilder<ProjectResource> builder, ServingSettings settings) =>
        builder.WithAnnotation(new ServingProfileAnnotation(settings), ResourceAnnotationMutationBehavior.Replace);
}
