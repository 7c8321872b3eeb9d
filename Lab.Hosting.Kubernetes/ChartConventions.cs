// Names, labels, ports and images shared by every object the chart emits.
using k8s.Models;

namespace Lab.Hosting.Kubernetes;

public static class ChartConventions
{
    public const int ProjectPort = 8080;
    public const int VllmPort = 8000;
    public const int RedisPort = 6379;
    public const int PostgresPort = 5432;

    public static Dictionary<string, string> Labels(ChartModel chart, string resource, string? role = null)
    {
        var labels = new Dictionary<string, string>
        {
            ["app.kubernetes.io/name"] = chart.Name,
            ["app.kubernetes.io/component"] = resource,
            ["app.kubernetes.io/instance"] = "{{ .Release.Name }}",
        };
        if (role is not null)
        {
            labels["lab.dev/serving-backend"] = role;
        }
        return labels;
    }

    /// <summary>Selectors must not contain the release template twice over; component + name identify a workload.</summary>
    public static Dictionary<string, string> Selector(ChartModel chart, string resource, string? role = null)
    {
        var selector = new Dictionary<string, string>
        {
            ["app.kubernetes.io/name"] = chart.Name,
            ["app.kubernetes.io/component"] = resource,
        };
        if (role is not null)
        {
            selector["lab.dev/serving-backend"] = role;
        }
        return selector;
    }

    public static V1ObjectMeta Metadata(ChartModel chart, string name, string resource, string? role = null) => new()
    {
        Name = name,
        Labels = Labels(chart, resource, role),
    };

    /// <summary>A Helm value reference; the chart keeps every tunable in values.yaml.</summary>
    public static string Value(string path) => "{{ .Values." + path + " }}";

    /// <summary>Helm value paths must be identifiers: "gpu-naive" becomes "gpu_naive".</summary>
    public static string Key(string name) => name.Replace('-', '_').Replace('.', '_');

    public static V1Probe HttpProbe(string path, int port, int periodSeconds = 10, int initialDelaySeconds = 5, int failureThreshold = 3) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = port },
        PeriodSeconds = periodSeconds,
        InitialDelaySeconds = initialDelaySeconds,
        FailureThreshold = failureThreshold,
    };
}
