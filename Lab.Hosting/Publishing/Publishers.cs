// Publishers turn the app model into deployment artifacts; --publisher picks one by name.
using Lab.Hosting.ApplicationModel;

namespace Lab.Hosting.Publishing;

public sealed record PublishingContext(string OutputPath, string AppHostDirectory);

public interface IDistributedApplicationPublisher
{
    string Name { get; }
    Task PublishAsync(DistributedApplicationModel model, PublishingContext context, CancellationToken cancellationToken);
}

public static class Publishers
{
    private static readonly Dictionary<string, Func<IDistributedApplicationPublisher>> Registry = new(StringComparer.Ordinal)
    {
        ["manifest"] = () => new ManifestPublisher(),
    };

    public static IEnumerable<string> Names => Registry.Keys.Order(StringComparer.Ordinal);

    /// <summary>Adds a publisher (e.g. the Kubernetes one) under its name.</summary>
    public static void Register(string name, Func<IDistributedApplicationPublisher> factory) => Registry[name] = factory;

    public static IDistributedApplicationPublisher Create(string name) =>
        Registry.TryGetValue(name, out var factory)
            ? factory()
            : throw new DistributedApplicationException($"Unknown publisher '{name}'. Valid publishers: {string.Join(", ", Names)}.", exitCode: 2);
}
