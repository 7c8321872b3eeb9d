// Interns emitting resources so 100k spans share a handful of resource objects instead of copying attributes.
using Lab.Dashboard.Otlp.Proto.Resource;

namespace Lab.Dashboard.Storage;

public sealed class ResourceRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TelemetryResource> _resources = new(StringComparer.Ordinal);

    public TelemetryResource Intern(Resource? resource)
    {
        var attributes = resource is null
            ? []
            : OtlpValues.ToPairs(resource.Attributes);
        var signature = string.Join('\u001f', attributes.Select(a => a.Key + "=" + a.Value));
        lock (_gate)
        {
            if (_resources.TryGetValue(signature, out var known))
            {
                return known;
            }
            var name = Find(attributes, "service.name") ?? "unknown_service";
            var instance = Find(attributes, "service.instance.id") ?? "";
            var created = new TelemetryResource(name, instance, attributes);
            _resources[signature] = created;
            return created;
        }
    }

    public IReadOnlyList<TelemetryResource> All()
    {
        lock (_gate)
        {
            return _resources.Values.DistinctBy(r => r.Key).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        }
    }

    private static string? Find(KeyValuePair<string, string>[] attributes, string key)
    {
        foreach (var pair in attributes)
        {
            if (pair.Key == key && pair.Value.Length > 0)
            {
                return pair.Value;
            }
        }
        return null;
    }
}
