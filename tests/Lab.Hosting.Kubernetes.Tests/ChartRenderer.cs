using System.Text.RegularExpressions;
using k8s;

namespace Lab.Hosting.Kubernetes.Tests;

/// <summary>
/// Renders the chart's value references the way `helm template` would for the simple references the chart uses
/// (".Values.a.b" and ".Release.Name"), so the output can be loaded back and checked by kubectl offline.
/// </summary>
internal static partial class ChartRenderer
{
    [GeneratedRegex(@"\{\{ \.(Values\.[A-Za-z0-9_.]+|Release\.Name) \}\}")]
    private static partial Regex Reference();

    public static string Render(string template, string valuesYaml, string release = "lab")
    {
        var values = KubernetesYaml.Deserialize<Dictionary<object, object>>(valuesYaml);
        return Reference().Replace(template, match =>
        {
            var path = match.Groups[1].Value;
            if (path == "Release.Name")
            {
                return release;
            }
            object? node = values;
            foreach (var part in path["Values.".Length..].Split('.'))
            {
                node = node is Dictionary<object, object> map && map.TryGetValue(part, out var child)
                    ? child
                    : throw new InvalidOperationException($"values.yaml has no '{path}'");
            }
            return Convert.ToString(node, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        });
    }
}
