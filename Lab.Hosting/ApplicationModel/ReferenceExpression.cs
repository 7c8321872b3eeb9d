// Values known only when the lab runs (ports, secrets) or written as placeholders when it is published.
namespace Lab.Hosting.ApplicationModel;

/// <summary>What a reference resolves to when the lab runs locally: ports allocated, parameters resolved.</summary>
public interface ILocalValues
{
    string Host { get; }
    int Port(IResource resource, string endpointName, int replica = 0);
    string Parameter(ParameterResource parameter);
}

/// <summary>A value with two faces: the local run value and the manifest placeholder.</summary>
public interface IValueReference
{
    string ManifestExpression { get; }
    string GetValue(ILocalValues values);
}

public enum EndpointProperty
{
    Url,
    Host,
    Port,
    TargetPort,
}

public sealed record EndpointReference(IResource Resource, string EndpointName, EndpointProperty Property = EndpointProperty.Url, int Replica = 0)
    : IValueReference
{
    public string ManifestExpression => $"{{{Resource.Name}.bindings.{EndpointName}.{Property switch
    {
        EndpointProperty.Url => "url",
        EndpointProperty.Host => "host",
        EndpointProperty.Port => "port",
        _ => "targetPort",
    }}}}";

    public string GetValue(ILocalValues values)
    {
        var port = values.Port(Resource, EndpointName, Replica);
        var scheme = Resource is IResourceWithEndpoints withEndpoints
            ? withEndpoints.Endpoints.FirstOrDefault(e => e.Name == EndpointName)?.Scheme ?? "http"
            : "http";
        return Property switch
        {
            EndpointProperty.Url => $"{scheme}://{values.Host}:{port}",
            EndpointProperty.Host => values.Host,
            _ => port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}

public sealed record ConnectionStringReference(IResourceWithConnectionString Resource) : IValueReference
{
    public string ManifestExpression => $"{{{Resource.Name}.connectionString}}";

    public string GetValue(ILocalValues values) => Resource.ConnectionStringExpression.GetValue(values);
}

/// <summary>A string made of literal parts and references, evaluated locally or written as a manifest expression.</summary>
public sealed class ReferenceExpression : IValueReference
{
    private readonly IReadOnlyList<object> _parts;

    private ReferenceExpression(IReadOnlyList<object> parts) => _parts = parts;

    /// <param name="parts">Strings and <see cref="IValueReference"/>s, in order.</param>
    public static ReferenceExpression Create(params object[] parts)
    {
        foreach (var part in parts)
        {
            if (part is not string and not IValueReference)
            {
                throw new ArgumentException($"A reference expression holds strings and value references, not {part.GetType().Name}.", nameof(parts));
            }
        }
        return new ReferenceExpression(parts);
    }

    public IEnumerable<IValueReference> References => _parts.OfType<IValueReference>();

    public string ManifestExpression =>
        string.Concat(_parts.Select(p => p as string ?? ((IValueReference)p).ManifestExpression));

    public string GetValue(ILocalValues values) =>
        string.Concat(_parts.Select(p => p as string ?? ((IValueReference)p).GetValue(values)));
}
