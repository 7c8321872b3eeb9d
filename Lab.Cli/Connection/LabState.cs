// Where the running lab is: the AppHost's state folder (.lab/apphost.json, parameters.json) or explicit options.
using System.Text.Json;

namespace Lab.Cli.Connection;

/// <summary>Addresses and key of one lab; any part may be missing when the lab has never run here.</summary>
public sealed record LabAddress(
    Uri? Orchestrator,
    Uri? CostApi,
    Uri? Control,
    string? ApiKey,
    string? StateDirectory,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Endpoints,
    string? Dashboard = null)
{
    public static LabAddress None { get; } = new(null, null, null, null, null, new Dictionary<string, IReadOnlyList<string>>());
}

/// <summary>What the command line said about the lab's address; null means "find it".</summary>
public sealed record LabOverrides(Uri? Orchestrator, Uri? CostApi, Uri? Control, string? ApiKey);

public static class LabState
{
    public const string StateFolder = ".lab";
    public const string AppHostFile = "apphost.json";
    public const string ParametersFile = "parameters.json";
    /// <summary>The AppHost's secret parameter that guards every write; LAB_API_KEY overrides it.</summary>
    public const string ApiKeyEnvironmentVariable = "LAB_API_KEY";

    /// <summary>The nearest .lab folder holding apphost.json, looking upward from the directory.</summary>
    public static string? FindStateDirectory(string fromDirectory)
    {
        for (var dir = new DirectoryInfo(fromDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, StateFolder);
            if (File.Exists(Path.Combine(candidate, AppHostFile)))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>The repository root: the nearest directory upward holding Lab.sln.</summary>
    public static string? FindRepositoryRoot(string fromDirectory)
    {
        for (var dir = new DirectoryInfo(fromDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lab.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    public static LabAddress Resolve(LabOverrides overrides, string workingDirectory, Func<string, string?> environment)
    {
        var stateDirectory = FindStateDirectory(workingDirectory);
        var fromFile = stateDirectory is null ? LabAddress.None : Read(stateDirectory);
        var apiKey = overrides.ApiKey ?? environment(ApiKeyEnvironmentVariable) ?? fromFile.ApiKey;
        return fromFile with
        {
            Orchestrator = overrides.Orchestrator ?? fromFile.Orchestrator,
            CostApi = overrides.CostApi ?? fromFile.CostApi,
            Control = overrides.Control ?? fromFile.Control,
            ApiKey = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey,
        };
    }

    /// <summary>Reads apphost.json (control URL, resources and their endpoints) and the API key from parameters.json.</summary>
    public static LabAddress Read(string stateDirectory)
    {
        using var appHost = JsonDocument.Parse(File.ReadAllText(Path.Combine(stateDirectory, AppHostFile)));
        var root = appHost.RootElement;
        var control = FindString(root, "controlUrl", "control", "controlApi", "url");
        var endpoints = ReadEndpoints(root);
        return new LabAddress(
            HttpEndpoint(endpoints, "orchestrator"),
            HttpEndpoint(endpoints, "costapi"),
            control is null ? null : new Uri(control),
            ReadApiKey(stateDirectory),
            stateDirectory,
            endpoints,
            FindString(root, "dashboardUrl"));
    }

    /// <summary>The first http(s) endpoint of a resource, preferring http on loopback where both are offered.</summary>
    public static Uri? HttpEndpoint(IReadOnlyDictionary<string, IReadOnlyList<string>> endpoints, string resource)
    {
        if (!endpoints.TryGetValue(resource, out var urls))
        {
            return null;
        }
        var url = urls.FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? urls.FirstOrDefault(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        return url is null ? null : new Uri(url);
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadEndpoints(JsonElement root)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        // The AppHost writes { endpoints: { name: [url] } }; the control API's [{ name, endpoints: [url] }] is read too.
        if (!TryGetProperty(root, "endpoints", out var resources) && !TryGetProperty(root, "resources", out resources))
        {
            return result;
        }
        if (resources.ValueKind == JsonValueKind.Array)
        {
            foreach (var resource in resources.EnumerateArray())
            {
                if (FindString(resource, "name") is { } name)
                {
                    result[name] = Urls(resource);
                }
            }
        }
        else if (resources.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in resources.EnumerateObject())
            {
                result[property.Name] = Urls(property.Value);
            }
        }
        return result;
    }

    private static List<string> Urls(JsonElement resource)
    {
        var list = resource.ValueKind == JsonValueKind.Array ? resource
            : TryGetProperty(resource, "endpoints", out var endpoints) ? endpoints : default;
        var urls = new List<string>();
        if (list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                var url = item.ValueKind == JsonValueKind.String ? item.GetString() : FindString(item, "url", "uri", "address");
                if (!string.IsNullOrEmpty(url))
                {
                    urls.Add(url);
                }
            }
        }
        else if (list.ValueKind == JsonValueKind.Object)
        {
            foreach (var named in list.EnumerateObject())
            {
                var url = named.Value.ValueKind == JsonValueKind.String ? named.Value.GetString() : FindString(named.Value, "url", "uri");
                if (!string.IsNullOrEmpty(url))
                {
                    urls.Add(url);
                }
            }
        }
        return urls;
    }

    /// <summary>The lab's API key parameter; the AppHost generates and remembers it in parameters.json.</summary>
    private static string? ReadApiKey(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, ParametersFile);
        if (!File.Exists(path))
        {
            return null;
        }
        using var parameters = JsonDocument.Parse(File.ReadAllText(path));
        var root = parameters.RootElement;
        if (TryGetProperty(root, "parameters", out var nested))
        {
            root = nested;
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        // Prefer the exact Aspire-style names, then any parameter whose name says it is the API key.
        foreach (var name in new[] { "lab-api-key", "api-key", "apikey", "labapikey" })
        {
            if (FindString(root, name) is { } key)
            {
                return key;
            }
        }
        return root.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.String && p.Name.Contains("key", StringComparison.OrdinalIgnoreCase))
            .Select(p => p.Value.GetString())
            .FirstOrDefault();
    }

    private static string? FindString(JsonElement element, params string[] names)
    {
        foreach (var name in names)
        {
            if (TryGetProperty(element, name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }
        }
        return null;
    }

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }
        }
        value = default;
        return false;
    }
}
