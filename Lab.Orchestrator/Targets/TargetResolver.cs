// Where a profile's load goes: an explicit URL, or an AppHost service name resolved as services:{name}:http:0.
using Lab.Contracts.Experiments;

namespace Lab.Orchestrator.Targets;

public sealed class TargetResolver(IConfiguration configuration)
{
    /// <summary>Returns the base URL (with a trailing slash) or an error a user can act on.</summary>
    public (Uri? Target, string? Error) Resolve(ProfileDefinition profile, string? explicitTarget)
    {
        if (!string.IsNullOrWhiteSpace(explicitTarget))
        {
            return AsUrl(explicitTarget, out var url)
                ? (url, null)
                : (null, $"target '{explicitTarget}' is not an absolute http(s) URL of an OpenAI-compatible server (e.g. http://vllm:8000)");
        }
        if (profile.Target is not { } target)
        {
            return (null, $"profile '{profile.Id}' names no target: set 'target' in the experiment file or pass a target URL");
        }
        if (AsUrl(target, out var direct))
        {
            return (direct, null);
        }
        // The AppHost injects services__{name}__{http|https}__{i}; the first replica's endpoint is the serving one.
        var endpoint = configuration[$"services:{target}:http:0"] ?? configuration[$"services:{target}:https:0"];
        return endpoint is not null && AsUrl(endpoint, out var resolved)
            ? (resolved, null)
            : (null, $"profile '{profile.Id}' targets service '{target}', but services:{target}:http:0 is not configured (env services__{target}__http__0); pass a target URL instead");
    }

    /// <summary>
    /// The serving Service behind a profile's load: its target name (an AppHost resource, a Kubernetes Service in a
    /// cluster) unless the profile's target is a URL or the run names its own target URL, which may be any server.
    /// </summary>
    public static string? ServiceName(ProfileDefinition profile, string? explicitTarget) =>
        string.IsNullOrWhiteSpace(explicitTarget) && profile.Target is { } target && !AsUrl(target, out _) ? target.Trim() : null;

    private static bool AsUrl(string value, out Uri url)
    {
        var text = value.Trim();
        if (!text.EndsWith('/'))
        {
            text += "/";
        }
        if (Uri.TryCreate(text, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https")
        {
            url = parsed;
            return true;
        }
        url = null!;
        return false;
    }
}
