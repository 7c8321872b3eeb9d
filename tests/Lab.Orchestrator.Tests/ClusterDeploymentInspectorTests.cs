// The in-cluster inspector through KubernetesClient against a local API server: what it asks for, and what it explains.
using k8s;
using Lab.Orchestrator.Targets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lab.Orchestrator.Tests;

public sealed class ClusterDeploymentInspectorTests
{
    private const string Deployments = """
        {"kind":"DeploymentList","apiVersion":"apps/v1","metadata":{},"items":[
          {"metadata":{"name":"gpu-optimized-vllm","labels":{"app.kubernetes.io/component":"gpu-optimized"}},
           "spec":{"replicas":2,"selector":{"matchLabels":{"app.kubernetes.io/component":"gpu-optimized"}},"template":{}},
           "status":{"replicas":2,"unavailableReplicas":2}},
          {"metadata":{"name":"gpu-optimized-twin","labels":{"app.kubernetes.io/component":"gpu-optimized"}},
           "spec":{"replicas":0,"selector":{"matchLabels":{"app.kubernetes.io/component":"gpu-optimized"}},"template":{}},
           "status":{}}]}
        """;

    private const string Pods = """
        {"kind":"PodList","apiVersion":"v1","metadata":{},"items":[
          {"metadata":{"name":"gpu-optimized-vllm-a"},"status":{"phase":"Pending","conditions":[
            {"type":"PodScheduled","status":"False","reason":"Unschedulable","message":"0/3 nodes are available: 3 Insufficient nvidia.com/gpu."}]}},
          {"metadata":{"name":"gpu-optimized-vllm-b"},"status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"True"}],
            "containerStatuses":[{"name":"vllm","ready":false,"restartCount":0,"image":"vllm/vllm-openai:v0.8.5","imageID":"",
              "state":{"waiting":{"reason":"ImagePullBackOff","message":"Back-off pulling image \"vllm/vllm-openai:v0.8.5\""}}}]}}]}
        """;

    [Fact]
    public async Task It_lists_only_deployments_and_pods_of_its_namespace_and_explains_why_none_is_ready()
    {
        var ct = TestContext.Current.CancellationToken;
        // A Kestrel server on a free port (HttpListener's managed Start() can throw under load, a race in the runtime).
        var asked = new List<string>();
        var apiBuilder = WebApplication.CreateSlimBuilder();
        apiBuilder.Logging.ClearProviders();
        apiBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var api = apiBuilder.Build();
        api.Run(async context =>
        {
            var path = context.Request.Path.Value!;
            lock (asked)
            {
                asked.Add($"{context.Request.Method} {path}?labelSelector={context.Request.Query["labelSelector"]}");
            }
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(path.EndsWith("/deployments", StringComparison.Ordinal) ? Deployments : Pods, context.RequestAborted);
        });
        await api.StartAsync(ct);
        var address = api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = address });

        var state = await new ClusterDeploymentInspector(client, "lab").InspectAsync("gpu-optimized", ct);

        // Exactly the reads the publisher's Role grants (get/list of apps/deployments and core pods), in its own namespace.
        Assert.Equal(
        [
            "GET /apis/apps/v1/namespaces/lab/deployments?labelSelector=app.kubernetes.io/component=gpu-optimized",
            "GET /api/v1/namespaces/lab/pods?labelSelector=app.kubernetes.io/component=gpu-optimized",
        ], asked);
        Assert.NotNull(state);
        Assert.Equal(("gpu-optimized", 2, 0), (state.Service, state.Desired, state.Ready));
        Assert.Equal(
        [
            "gpu-optimized-vllm-a pending (insufficient nvidia.com/gpu): 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.",
            "gpu-optimized-vllm-b/vllm image pull failing: ImagePullBackOff — Back-off pulling image \"vllm/vllm-openai:v0.8.5\"",
        ], state.Reasons);
    }
}
