// Writes the lab as a Helm chart shaped like Aspire.Hosting.Kubernetes' output: Chart.yaml, values.yaml, templates/<resource>/.
using System.Text;
using k8s;
using k8s.Models;
using static Lab.Hosting.Kubernetes.ChartConventions;

namespace Lab.Hosting.Kubernetes;

public sealed record ChartFile(string RelativePath, string Content);

public sealed record PublishedChart(IReadOnlyList<ChartFile> Files, int ObjectCount, long Bytes);

public static class HelmChartWriter
{
    /// <summary>Builds every object from typed models and serializes them with KubernetesClient.</summary>
    public static PublishedChart Build(ChartModel chart)
    {
        foreach (var serving in chart.Serving)
        {
            ServingObjects.Validate(serving);
        }
        var values = new ValuesTree();
        var env = new EnvTranslator(chart, values);
        var perResource = new List<(string Resource, IKubernetesObject Object)>();

        foreach (var store in chart.Stores)
        {
            perResource.AddRange(StoreObjects.Build(chart, store, values).Select(o => (store.Name, o)));
        }
        foreach (var project in chart.Projects)
        {
            perResource.AddRange(ProjectObjects.Build(chart, project, values, env).Select(o => (project.Name, o)));
        }
        if (chart.Serving.Count > 0)
        {
            perResource.Add(("serving", new V1Secret
            {
                ApiVersion = "v1",
                Kind = "Secret",
                Metadata = Metadata(chart, "hf-token", "serving"),
                Type = "Opaque",
                StringData = new Dictionary<string, string> { ["token"] = values.String("secrets.hf_token", string.Empty) },
            }));
        }
        foreach (var serving in chart.Serving)
        {
            perResource.AddRange(ServingObjects.Build(chart, serving, values).Select(o => (serving.Name, o)));
        }

        var files = new List<ChartFile>();
        foreach (var group in perResource.GroupBy(r => r.Resource))
        {
            foreach (var (resource, obj) in group)
            {
                var yaml = values.ReplaceSentinels(KubernetesYaml.Serialize(obj));
                var name = ((IMetadata<V1ObjectMeta>)obj).Metadata.Name;
                files.Add(new ChartFile($"templates/{resource}/{obj.Kind.ToLowerInvariant()}-{name}.yaml", yaml));
            }
        }

        files.Insert(0, new ChartFile("Chart.yaml", KubernetesYaml.Serialize(new Dictionary<string, object>
        {
            ["apiVersion"] = "v2",
            ["name"] = chart.Name,
            ["description"] = "GPU Inference Decision Lab: orchestrator, load workers, cost API, web, Redis, PostgreSQL and one vLLM deployment per serving profile.",
            ["type"] = "application",
            ["version"] = chart.Version,
            ["appVersion"] = chart.Version,
        })));
        files.Insert(1, new ChartFile("values.yaml", ValuesHeader + KubernetesYaml.Serialize(values.Root)));

        return new PublishedChart(files, perResource.Count, files.Sum(f => (long)Encoding.UTF8.GetByteCount(f.Content)));
    }

    public static async Task<PublishedChart> WriteAsync(ChartModel chart, string outputDirectory, CancellationToken cancellationToken)
    {
        var published = Build(chart);
        if (Directory.Exists(Path.Combine(outputDirectory, "templates")))
        {
            // A resource removed from the model must not linger from an earlier publish.
            Directory.Delete(Path.Combine(outputDirectory, "templates"), recursive: true);
        }
        foreach (var file in published.Files)
        {
            var path = Path.Combine(outputDirectory, file.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, file.Content, cancellationToken);
        }
        return published;
    }

    private const string ValuesHeader =
        "# Values of the GPU Inference Decision Lab chart. Required before install: secrets.* (API key, store passwords,\n" +
        "# Hugging Face token). serving.<profile>.model is the checkpoint vLLM loads; set vllmReplicas=0 and twinReplicas=1\n" +
        "# to run the GPU twin instead of vLLM (a dry run of the whole stack without GPUs).\n";
}
