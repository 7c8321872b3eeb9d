// Reads resources and console logs from the AppHost control API (Dashboard:ResourceServiceUrl), masking secrets.
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Lab.Dashboard.Resources;

public sealed partial class ResourceServiceClient(HttpClient http)
{
    public const string Masked = "********";

    public bool IsConfigured => http.BaseAddress is not null;

    public async Task<JsonArray> GetResourcesAsync(CancellationToken ct)
    {
        var json = await http.GetStringAsync("api/resources", ct);
        var resources = JsonNode.Parse(json) as JsonArray
            ?? throw new InvalidOperationException("The AppHost's /api/resources did not answer a JSON array.");
        foreach (var resource in resources.OfType<JsonObject>())
        {
            MaskEnvironment(resource);
            foreach (var replica in (resource["replicas"] as JsonArray ?? []).OfType<JsonObject>())
            {
                MaskEnvironment(replica);
            }
        }
        return resources;
    }

    /// <summary>Lines after a sequence number; <c>last</c> bounds the answer of a control API that keeps only a window.</summary>
    public async Task<JsonArray> GetConsoleLogsAsync(string resource, long after, CancellationToken ct)
    {
        var json = await http.GetStringAsync($"api/resources/{Uri.EscapeDataString(resource)}/logs?after={after}&last=1000", ct);
        return JsonNode.Parse(json) as JsonArray
            ?? throw new InvalidOperationException("The AppHost's console log endpoint did not answer a JSON array.");
    }

    /// <summary>Environment may arrive as an object or as [{name,value}]; values of secret-looking names are masked.</summary>
    public static void MaskEnvironment(JsonObject resource)
    {
        switch (resource["environment"] ?? resource["env"])
        {
            case JsonObject variables:
                foreach (var name in variables.Select(p => p.Key).ToList())
                {
                    if (IsSecret(name, variables[name]?.ToString()))
                    {
                        variables[name] = Masked;
                    }
                }
                break;
            case JsonArray entries:
                foreach (var entry in entries.OfType<JsonObject>())
                {
                    var name = entry["name"]?.ToString() ?? "";
                    if (IsSecret(name, entry["value"]?.ToString()))
                    {
                        entry["value"] = Masked;
                    }
                }
                break;
        }
    }

    public static bool IsSecret(string name, string? value) =>
        SecretName().IsMatch(name) || (value is not null && SecretInValue().IsMatch(value));

    [GeneratedRegex("(PASSWORD|SECRET|TOKEN|APIKEY|API_KEY|KEY$|CREDENTIAL|OTLP_HEADERS|CONNECTIONSTRINGS__)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    // Connection strings and URLs can carry a password even under an innocent variable name.
    [GeneratedRegex(@"(password=|pwd=|://[^/\s:@]+:[^/\s@]+@)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretInValue();
}
