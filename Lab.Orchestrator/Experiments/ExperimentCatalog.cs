// The experiments the orchestrator can run, loaded once at start-up from the experiments folder.
using Lab.Contracts.Experiments;
using Lab.Experiments.Definitions;

namespace Lab.Orchestrator.Experiments;

public sealed class ExperimentCatalog
{
    private readonly Dictionary<string, ExperimentDefinition> _byId;

    public ExperimentCatalog(string directory)
    {
        Directory = directory;
        Experiments = ExperimentLoader.LoadDirectory(directory);
        _byId = Experiments.ToDictionary(e => e.Id, StringComparer.Ordinal);
    }

    public string Directory { get; }
    public IReadOnlyList<ExperimentDefinition> Experiments { get; }

    public ExperimentDefinition? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Lab:ExperimentsPath when set; otherwise the nearest "experiments" folder above the content root.</summary>
    public static string Locate(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured, contentRoot);
        }
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "experiments");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException(
            $"No experiments folder found above {contentRoot}; set Lab:ExperimentsPath (env Lab__ExperimentsPath) to the folder holding the *.yaml definitions.");
    }
}
