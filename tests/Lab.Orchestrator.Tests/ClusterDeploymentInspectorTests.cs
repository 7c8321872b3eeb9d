// The in-cluster inspector through KubernetesClient against a local API server: what it asks for, and what it explains.
using System.Net;
using System.Text;
using k8s;
using Lab.Hosting.Native;
using Lab.Orchestrator.Targets;

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
        var port = FreePort.Next();
        using var api = new HttpListener();
        api.Prefixes.Add($"http://127.0.0.1:{port}/");
        api.Start();
        var asked = new List<string>();
        var serving = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                var context = await api.GetContextAsync();
                var path = context.Request.Url!.AbsolutePath;
                lock (asked)
                {
                    asked.Add($"{context.Request.HttpMethod} {path}?labelSelector={context.Request.QueryString["labelSelector"]}");
                }
                var body = Encoding.UTF8.GetBytes(path.EndsWith("/deployments", StringComparison.Ordinal) ? Deployments : Pods);
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body, ct);
                context.Response.Close();
            }
        }, ct);
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = $"http://127.0.0.1:{port}" });

        var state = await new ClusterDeploymentInspector(client, "lab").InspectAsync("gpu-optimized", ct);
        await serving;

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
