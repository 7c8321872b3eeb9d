// In a cluster, explains a serving target that is not ready from its Deployment and Pods (read-only RBAC).
using k8s;
using k8s.Models;
using Lab.Contracts.Orchestration;

namespace Lab.Orchestrator.Targets;

public interface IServingDeploymentInspector
{
    /// <summary>Null outside a cluster (nothing to add beyond the HTTP checks).</summary>
    Task<DeploymentReadiness?> InspectAsync(string service, CancellationToken cancellationToken);
}

/// <summary>Outside Kubernetes there are no Deployments to read; the HTTP checks are the whole story.</summary>
public sealed class NoClusterInspector : IServingDeploymentInspector
{
    public Task<DeploymentReadiness?> InspectAsync(string service, CancellationToken cancellationToken) => Task.FromResult<DeploymentReadiness?>(null);
}

/// <summary>
/// Reads the Deployments behind a serving Service (the vLLM one and the twin, labelled with the service as
/// component) and their Pods, in the orchestrator's own namespace, with the in-cluster service account. It lists
/// deployments (apps) and pods (core) and nothing else: the Role the Kubernetes publisher emits for the orchestrator
/// (Lab.Hosting.Kubernetes ProjectObjects.ReadOnlyAccess) grants exactly get/list on those two, so keep them in step.
/// </summary>
public sealed class ClusterDeploymentInspector(IKubernetes client, string @namespace) : IServingDeploymentInspector
{
    private const string ComponentLabel = "app.kubernetes.io/component";

    public static IServingDeploymentInspector CreateFromEnvironment()
    {
        if (!KubernetesClientConfiguration.IsInCluster())
        {
            return new NoClusterInspector();
        }
        var config = KubernetesClientConfiguration.InClusterConfig();
        return new ClusterDeploymentInspector(new k8s.Kubernetes(config), config.Namespace ?? "default");
    }

    public async Task<DeploymentReadiness?> InspectAsync(string service, CancellationToken cancellationToken)
    {
        var selector = $"{ComponentLabel}={service}";
        var deployments = await client.AppsV1.ListNamespacedDeploymentAsync(@namespace, labelSelector: selector, cancellationToken: cancellationToken);
        var pods = await client.CoreV1.ListNamespacedPodAsync(@namespace, labelSelector: selector, cancellationToken: cancellationToken);
        return Explain(service, deployments.Items, pods.Items);
    }

    /// <summary>Pure: the replica counts and the reasons a person needs (pending for GPUs, image pulls, crashes).</summary>
    public static DeploymentReadiness Explain(string service, IList<V1Deployment> deployments, IList<V1Pod> pods)
    {
        var desired = deployments.Sum(d => d.Spec?.Replicas ?? 1);
        var ready = deployments.Sum(d => d.Status?.ReadyReplicas ?? 0);
        var reasons = new List<string>();
        if (deployments.Count == 0)
        {
            reasons.Add($"no Deployment labelled {ComponentLabel}={service} in this namespace");
        }
        else if (desired == 0)
        {
            reasons.Add("every backend is scaled to 0 replicas (set serving.<profile>.vllmReplicas or twinReplicas)");
        }
        foreach (var pod in pods.Where(p => !IsReady(p)))
        {
            var name = pod.Metadata?.Name ?? "pod";
            var unschedulable = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False");
            if (unschedulable is not null)
            {
                var gpu = unschedulable.Message?.Contains("nvidia.com/gpu", StringComparison.Ordinal) == true ? " (insufficient nvidia.com/gpu)" : string.Empty;
                reasons.Add($"{name} pending{gpu}: {unschedulable.Message ?? unschedulable.Reason}");
                continue;
            }
            foreach (var container in pod.Status?.ContainerStatuses ?? [])
            {
                if (container.State?.Waiting is { } waiting)
                {
                    var kind = waiting.Reason switch
                    {
                        "ImagePullBackOff" or "ErrImagePull" => "image pull failing",
                        "CrashLoopBackOff" => "crashing",
                        "ContainerCreating" or "PodInitializing" => "starting",
                        _ => "waiting",
                    };
                    reasons.Add($"{name}/{container.Name} {kind}: {waiting.Reason}{(string.IsNullOrEmpty(waiting.Message) ? string.Empty : " — " + waiting.Message)}");
                }
                else if (container.State?.Running is not null && container.Ready != true)
                {
                    reasons.Add($"{name}/{container.Name} running but not ready yet (loading the model or failing /health)");
                }
            }
            if (pod.Status?.Phase == "Pending" && pod.Status.ContainerStatuses is null && unschedulable is null)
            {
                reasons.Add($"{name} pending");
            }
        }
        return new DeploymentReadiness(service, desired, ready, reasons);
    }

    private static bool IsReady(V1Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
}
