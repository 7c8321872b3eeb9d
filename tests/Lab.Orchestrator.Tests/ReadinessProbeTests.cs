// Readiness in a cluster: the serving Deployment's replicas and not-ready reasons gate a target before any HTTP check.
using System.Net;
using System.Text;
using k8s.Autorest;
using Lab.Contracts.Orchestration;
using Lab.Orchestrator.Targets;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lab.Orchestrator.Tests;

public sealed class ReadinessProbeTests
{
    private static readonly Uri Target = new("http://gpu-optimized:8000/");

    private const string GpuShortage = "gpu-optimized-vllm-7d9f pending (insufficient nvidia.com/gpu): 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.";

    [Fact]
    public async Task A_deployment_without_ready_replicas_is_not_ready_with_the_cluster_reasons_and_no_http_check()
    {
        var server = new ServingEndpoint();
        var cluster = new ScriptedCluster(new DeploymentReadiness("gpu-optimized", 1, 0, [GpuShortage]));
        var probe = Probe(server, cluster);

        var readiness = await probe.CheckAsync("optimized-batched", Target, "llama-3.1-8b", "gpu-optimized", TestContext.Current.CancellationToken);

        Assert.False(readiness.Ready);
        Assert.Equal("gpu-optimized", Assert.Single(cluster.Asked));
        Assert.Equal((1, 0), (readiness.Deployment!.Desired, readiness.Deployment.Ready));
        Assert.Contains("0/1 replicas ready", readiness.Reason);
        Assert.Contains(GpuShortage, readiness.Reason);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task With_a_ready_replica_the_http_checks_decide_and_the_deployment_is_reported()
    {
        var server = new ServingEndpoint();
        var probe = Probe(server, new ScriptedCluster(new DeploymentReadiness("gpu-optimized", 2, 1, ["gpu-optimized-vllm-x/vllm running but not ready yet"])));

        var readiness = await probe.CheckAsync("optimized-batched", Target, "llama-3.1-8b", "gpu-optimized", TestContext.Current.CancellationToken);

        Assert.True(readiness.Ready, readiness.Reason);
        Assert.Null(readiness.Reason);
        Assert.Equal((2, 1), (readiness.Deployment!.Desired, readiness.Deployment.Ready));
        Assert.Equal(["GET /health", "GET /v1/models", "POST /v1/completions"], server.Requests);
    }

    [Fact]
    public async Task An_unreadable_cluster_api_is_reported_but_leaves_the_http_checks_to_decide()
    {
        var server = new ServingEndpoint { Healthy = false };
        var probe = Probe(server, new ScriptedCluster(new HttpOperationException("Operation returned an invalid status code 'Forbidden'")));

        var readiness = await probe.CheckAsync("optimized-batched", Target, "llama-3.1-8b", "gpu-optimized", TestContext.Current.CancellationToken);

        Assert.False(readiness.Ready);
        Assert.Contains("Forbidden", readiness.Deployment!.Error);
        Assert.Contains("answered 503", readiness.Reason);
        Assert.Contains("the Deployment could not be read", readiness.Reason);
    }

    [Fact]
    public async Task Outside_a_cluster_or_for_an_explicit_url_no_deployment_is_read()
    {
        var server = new ServingEndpoint();
        var cluster = new ScriptedCluster(new DeploymentReadiness("gpu-optimized", 1, 0, [GpuShortage]));

        var outside = await Probe(server, new NoClusterInspector()).CheckAsync("optimized-batched", Target, "llama-3.1-8b", "gpu-optimized", TestContext.Current.CancellationToken);
        var explicitUrl = await Probe(server, cluster).CheckAsync("optimized-batched", Target, "llama-3.1-8b", null, TestContext.Current.CancellationToken);

        Assert.True(outside.Ready, outside.Reason);
        Assert.Null(outside.Deployment);
        Assert.True(explicitUrl.Ready, explicitUrl.Reason);
        Assert.Empty(cluster.Asked);
    }

    [Theory]
    [InlineData("gpu-optimized", null, "gpu-optimized")]
    [InlineData("gpu-optimized", "http://10.0.0.7:8000", null)]
    [InlineData("http://vllm.serving:8000", null, null)]
    public void The_service_comes_from_the_profile_target_unless_the_run_names_a_url(string profileTarget, string? explicitTarget, string? expected)
    {
        var profile = new Lab.Contracts.Experiments.ProfileDefinition("p", "", "m", "H100-SXM-80GB", 1, 1, "H100-SXM-80GB",
            new Dictionary<string, string>(), profileTarget);
        Assert.Equal(expected, TargetResolver.ServiceName(profile, explicitTarget));
    }

    private static ReadinessProbe Probe(ServingEndpoint server, IServingDeploymentInspector cluster) =>
        new(new TargetClient(new HttpClient(server)), cluster, TimeProvider.System, NullLogger<ReadinessProbe>.Instance);

    private sealed class ScriptedCluster : IServingDeploymentInspector
    {
        private readonly DeploymentReadiness? _state;
        private readonly Exception? _failure;

        public ScriptedCluster(DeploymentReadiness state) => _state = state;

        public ScriptedCluster(Exception failure) => _failure = failure;

        public List<string> Asked { get; } = [];

        public Task<DeploymentReadiness?> InspectAsync(string service, CancellationToken cancellationToken)
        {
            Asked.Add(service);
            return _failure is not null ? Task.FromException<DeploymentReadiness?>(_failure) : Task.FromResult(_state);
        }
    }

    /// <summary>An OpenAI-compatible endpoint in a handler: answers the three readiness calls and remembers them.</summary>
    private sealed class ServingEndpoint : HttpMessageHandler
    {
        public bool Healthy { get; init; } = true;

        public List<string> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            Requests.Add($"{request.Method} {path}");
            var (status, body) = path switch
            {
                "/health" => (Healthy ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, ""),
                "/v1/models" => (HttpStatusCode.OK, """{"object":"list","data":[{"id":"llama-3.1-8b","object":"model"}]}"""),
                "/v1/completions" => (HttpStatusCode.OK, """{"choices":[{"text":"Hi","finish_reason":"length"}]}"""),
                _ => (HttpStatusCode.NotFound, ""),
            };
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
