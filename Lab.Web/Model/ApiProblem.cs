// Turns whatever a call to CostApi or the Orchestrator threw into a message a person can act on.
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Refit;

namespace Lab.Web.Model;

/// <summary>A readable failure: a title, what happened, and per-field messages from a validation problem.</summary>
public sealed record ApiProblem(string Title, string Detail, IReadOnlyList<string> Errors, HttpStatusCode? Status = null)
{
    public bool IsNotFound => Status == HttpStatusCode.NotFound;

    public static ApiProblem From(Exception exception, string action) => exception switch
    {
        ApiException api => FromResponse(api, action),
        // Refit wraps what HttpClient threw before any response arrived; the inner exception says what happened.
        ApiRequestException { InnerException: { } inner } => From(inner, action),
        HttpRequestException http when http.StatusCode is null =>
            new ApiProblem($"Could not reach the service to {action}", $"{Host(http)} is not answering ({http.Message}). Check that the lab is running (./scripts/lab) and try again.", []),
        HttpRequestException http => new ApiProblem($"Could not {action}", http.Message, [], http.StatusCode),
        TimeoutException or TaskCanceledException or OperationCanceledException or Polly.Timeout.TimeoutRejectedException =>
            new ApiProblem($"Timed out while trying to {action}", "The service took too long to answer. It may be busy or restarting; try again in a moment.", []),
        InvalidOperationException { Message: var m } when m.Contains("endpoint", StringComparison.OrdinalIgnoreCase) =>
            new ApiProblem($"Could not find the service to {action}", m + " Start Lab.Web through the AppHost (./scripts/lab), which tells it where CostApi and the Orchestrator are.", []),
        _ => new ApiProblem($"Could not {action}", exception.Message, []),
    };

    private static string Host(HttpRequestException http) =>
        http.HttpRequestError == HttpRequestError.ConnectionError || http.InnerException is SocketException ? "The service's address" : "The service";

    /// <summary>Reads RFC 7807 ProblemDetails (title, detail, errors) from the body; falls back to the status line.</summary>
    public static ApiProblem FromResponse(ApiException api, string action)
    {
        var title = $"Could not {action}";
        var detail = $"{(int)api.StatusCode} {api.ReasonPhrase}".Trim();
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(api.Content) && api.Content.TrimStart().StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(api.Content);
                var root = doc.RootElement;
                if (root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String)
                {
                    title = t.GetString()!;
                }
                if (root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String)
                {
                    detail = d.GetString()!;
                }
                if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in e.EnumerateObject())
                    {
                        var messages = field.Value.ValueKind == JsonValueKind.Array
                            ? field.Value.EnumerateArray().Select(m => m.ToString())
                            : [field.Value.ToString()];
                        errors.Add($"{field.Name}: {string.Join(" ", messages)}");
                    }
                }
            }
            catch (JsonException)
            {
                // Not ProblemDetails after all: the status line is the best we have.
            }
        }
        if (api.StatusCode == HttpStatusCode.Unauthorized || api.StatusCode == HttpStatusCode.Forbidden)
        {
            detail += " The lab API key Lab.Web holds (Lab__ApiKey) was refused; writes need the key CostApi was started with.";
        }
        return new ApiProblem(title, detail, errors, api.StatusCode);
    }
}
