// Checks a serving target before load: in a cluster its Deployment has ready replicas; then reachable, /health 200,
// the model in /v1/models, a completion succeeds.
using System.Text.Json;
using System.Text.Json.Nodes;
using Lab.Contracts.Orchestration;

namespace Lab.Orchestrator.Targets;

/// <summary>The orchestrator's own client to targets: no retries, so a failing check reports the first real answer.</summary>
public sealed class TargetClient(HttpClient http)
{
    public HttpClient Http { get; } = http;
}

public sealed class ReadinessProbe(TargetClient client, IServingDeploymentInspector cluster, TimeProvider time, ILogger<ReadinessProbe> logger)
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmupTimeout = TimeSpan.FromSeconds(60);

    /// <param name="service">
    /// The profile's serving Service when the load goes to it (null for an explicit target URL). In a cluster its
    /// Deployment is read first: with no ready replica the Service has no endpoint, so the cluster's reasons (pending
    /// pods, insufficient nvidia.com/gpu, image pulls) are the answer and no HTTP check is tried.
    /// </param>
    public async Task<TargetReadiness> CheckAsync(string profile, Uri target, string model, string? service, CancellationToken cancellationToken)
    {
        var deployment = service is null ? null : await InspectAsync(service, cancellationToken);
        if (deployment is { Error: null, Ready: < 1 })
        {
            return new TargetReadiness(profile, target.ToString(), false, false, false, false, false,
                $"Deployment {deployment}", time.GetUtcNow(), deployment);
        }
        bool reachable = false, healthy = false, listed = false, warm = false;
        string? reason = null;
        try
        {
            using var health = await SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(target, "health")), CheckTimeout, cancellationToken);
            reachable = true;
            healthy = health.IsSuccessStatusCode;
            if (!healthy)
            {
                reason = $"GET {target}health answered {(int)health.StatusCode}";
            }
            else
            {
                using var models = await SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(target, "v1/models")), CheckTimeout, cancellationToken);
                var ids = models.IsSuccessStatusCode ? ModelIds(await models.Content.ReadAsStringAsync(cancellationToken)) : [];
                listed = ids.Contains(model, StringComparer.Ordinal);
                if (!listed)
                {
                    reason = models.IsSuccessStatusCode
                        ? $"model '{model}' is not served by {target}; /v1/models lists: {(ids.Count == 0 ? "nothing" : string.Join(", ", ids))}"
                        : $"GET {target}v1/models answered {(int)models.StatusCode}";
                }
                else
                {
                    (warm, reason) = await WarmUpAsync(target, model, "Hello", 1, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            reason = reachable ? $"{target} stopped answering: {e.Message}" : $"{target} is not reachable: {e.Message}";
        }
        if (reason is not null && deployment is { } d && (d.Error is not null || d.Reasons.Count > 0))
        {
            reason += $"; Deployment {d}";
        }
        return new TargetReadiness(profile, target.ToString(), reachable && healthy && listed && warm, reachable, healthy, listed, warm, reason,
            time.GetUtcNow(), deployment);
    }

    /// <summary>The cluster's view explains, it never blocks on its own failure: an unreadable API leaves the HTTP checks to decide.</summary>
    private async Task<DeploymentReadiness?> InspectAsync(string service, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(CheckTimeout);
        try
        {
            return await cluster.InspectAsync(service, limit.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Reading the Deployment of serving service {Service} failed", service);
            return new DeploymentReadiness(service, 0, 0, [], e is OperationCanceledException ? $"no answer within {CheckTimeout.TotalSeconds:F0} s" : e.Message);
        }
    }

    /// <summary>One non-streamed completion; its result is never recorded (warm-up requests do not count).</summary>
    public async Task<(bool Succeeded, string? Reason)> WarmUpAsync(Uri target, string model, string prompt, int maxTokens, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["model"] = model, ["prompt"] = prompt, ["max_tokens"] = maxTokens, ["temperature"] = 0 };
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target, "v1/completions"))
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        try
        {
            using var response = await SendAsync(request, WarmupTimeout, cancellationToken);
            return response.IsSuccessStatusCode
                ? (true, null)
                : (false, $"warm-up completion answered {(int)response.StatusCode}: {Truncate(await response.Content.ReadAsStringAsync(cancellationToken))}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (false, $"warm-up completion failed: {e.Message}");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            return await client.Http.SendAsync(request, limit.Token);
        }
    }

    private static List<string> ModelIds(string json)
    {
        try
        {
            return JsonNode.Parse(json)?["data"]?.AsArray().Select(m => m?["id"]?.GetValue<string>()).OfType<string>().ToList() ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
