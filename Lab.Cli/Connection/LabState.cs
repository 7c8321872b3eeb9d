// Where the running lab is: the AppHost's state folder (.lab/apphost.json, parameters.json) or explicit options.
using System.Text.Json;
using Lab.Contracts.ControlPlane;

namespace Lab.Cli.Connection;

/// <summary>
/// Addresses and key of one lab; any part may be missing when the lab has never run here. <see cref="Stale"/> says why
/// an apphost.json was not believed (its AppHost is gone), in which case it gave no addresses.
/// </summary>
public sealed record LabAddress(
    Uri? Orchestrator,
    Uri? CostApi,
    Uri? Control,
    string? ApiKey,
    string? StateDirectory,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Endpoints,
    string? Dashboard = null,
    string? Stale = null)
{
    public static LabAddress None { get; } = new(null, null, null, null, null, new Dictionary<string, IReadOnlyList<string>>());
}

/// <summary>What the command line said about the lab's address; null means "find it".</summary>
public sealed record LabOverrides(Uri? Orchestrator, Uri? CostApi, Uri? Control, string? ApiKey);

public static class LabState
{
    public const string StateFolder = LabStateFolder.Name;
    public const string AppHostFile = LabStateFolder.AppHostFile;
    public const string ParametersFile = LabStateFolder.ParametersFile;
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

    /// <summary>
    /// Reads apphost.json (control URL, resources and their endpoints) and the API key from parameters.json. A file whose
    /// AppHost process is gone (killed before it could remove it) yields no addresses, only why.
    /// </summary>
    public static LabAddress Read(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, AppHostFile);
        var appHost = JsonSerializer.Deserialize(File.ReadAllText(path), ControlPlaneJsonContext.Default.AppHostInfo)
            ?? throw new JsonException($"{path} holds no AppHost.");
        if (!AppHostProcess.IsRunning(appHost.Pid, appHost.StartedAt))
        {
            return LabAddress.None with
            {
                ApiKey = ReadApiKey(stateDirectory),
                StateDirectory = stateDirectory,
                Stale = $"{path} is stale: it names AppHost process {appHost.Pid}, which is no longer running",
            };
        }
        var endpoints = new Dictionary<string, IReadOnlyList<string>>(appHost.Endpoints, StringComparer.OrdinalIgnoreCase);
        return new LabAddress(
            HttpEndpoint(endpoints, "orchestrator"),
            HttpEndpoint(endpoints, "costapi"),
            new Uri(appHost.ControlUrl),
            ReadApiKey(stateDirectory),
            stateDirectory,
            endpoints,
            appHost.DashboardUrl);
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

    /// <summary>The lab's API key parameter; the AppHost generates and remembers it in parameters.json.</summary>
    private static string? ReadApiKey(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, ParametersFile);
        return File.Exists(path)
            ? JsonSerializer.Deserialize(File.ReadAllText(path), ControlPlaneJsonContext.Default.DictionaryStringString)?.GetValueOrDefault(LabStateFolder.ApiKeyParameter)
            : null;
    }
}
