// The control API's paths, relative to its base URL (the control URL of apphost.json, or Dashboard:ResourceServiceUrl).
namespace Lab.Contracts.ControlPlane;

public static class ControlApiRoutes
{
    /// <summary>Every <see cref="ResourceView"/>.</summary>
    public const string Resources = "api/resources";

    /// <summary>How many of the newest lines the logs route answers when the request has no <c>last</c>.</summary>
    public const int DefaultLogLines = 200;

    public static string Resource(string name) => $"{Resources}/{Uri.EscapeDataString(name)}";

    /// <summary>The newest <paramref name="last"/> <see cref="ResourceLogLine"/>s numbered above <paramref name="after"/> (0: all kept).</summary>
    public static string Logs(string name, long after, int last) => $"{Resource(name)}/logs?after={after}&last={last}";
}
