// The AppHost's state folder as the CLI reads it: where the folder is, apphost.json while the AppHost runs, parameters.json.
namespace Lab.Contracts.ControlPlane;

/// <summary>.lab/apphost.json: how the CLI finds a running lab; <see cref="Endpoints"/> lists every resource's URLs.</summary>
public sealed record AppHostInfo(
    string ControlUrl,
    int Pid,
    DateTimeOffset StartedAt,
    string StateDirectory,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Endpoints,
    string? DashboardUrl = null);

public static class LabStateFolder
{
    /// <summary>At the repository root.</summary>
    public const string Name = ".lab";

    /// <summary>An <see cref="AppHostInfo"/>, present while the AppHost runs.</summary>
    public const string AppHostFile = "apphost.json";

    /// <summary>A flat <c>{parameter: value}</c> object of the values the AppHost generated and remembers (mode 0600).</summary>
    public const string ParametersFile = "parameters.json";

    /// <summary>The AppHost's secret parameter that guards every write of CostApi and the orchestrator.</summary>
    public const string ApiKeyParameter = "lab-api-key";
}
