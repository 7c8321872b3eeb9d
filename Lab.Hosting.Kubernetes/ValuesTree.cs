// values.yaml as it is built: every tunable the templates reference, with its default.
namespace Lab.Hosting.Kubernetes;

public sealed class ValuesTree
{
    private const int SentinelBase = 1_900_000_000;
    private readonly SortedDictionary<string, object> _root = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _integerSentinels = [];

    public IReadOnlyDictionary<string, object> Root => _root;

    /// <summary>Sets a default and returns the template reference to it.</summary>
    public string String(string path, string defaultValue)
    {
        Set(path, defaultValue);
        return ChartConventions.Value(path);
    }

    /// <summary>
    /// Integer fields of the typed models cannot hold a template, so they carry a unique sentinel that the writer
    /// replaces with the value reference after serialization.
    /// </summary>
    public int Integer(string path, int defaultValue)
    {
        Set(path, defaultValue);
        var sentinel = SentinelBase + _integerSentinels.Count;
        _integerSentinels[sentinel] = path;
        return sentinel;
    }

    public string ReplaceSentinels(string yaml)
    {
        foreach (var (sentinel, path) in _integerSentinels)
        {
            yaml = yaml.Replace(": " + sentinel, ": " + ChartConventions.Value(path), StringComparison.Ordinal);
        }
        return yaml;
    }

    public void Set(string path, object value)
    {
        var parts = path.Split('.');
        var node = _root;
        foreach (var part in parts[..^1])
        {
            if (!node.TryGetValue(part, out var child))
            {
                child = new SortedDictionary<string, object>(StringComparer.Ordinal);
                node[part] = child;
            }
            node = (SortedDictionary<string, object>)child;
        }
        node[parts[^1]] = value;
    }

    /// <summary>Looks a path up (for rendering and tests); null when absent.</summary>
    public object? Get(string path)
    {
        object? node = _root;
        foreach (var part in path.Split('.'))
        {
            if (node is not IDictionary<string, object> map || !map.TryGetValue(part, out node))
            {
                return null;
            }
        }
        return node;
    }
}
