// The builder an AppHost declares its resources on, mirroring Aspire.Hosting.IDistributedApplicationBuilder.
using Lab.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace Lab.Hosting;

public interface IDistributedApplicationBuilder
{
    /// <summary>Environment variables, then command-line parameters (<c>--name value</c> → <c>Parameters:name</c>).</summary>
    ConfigurationManager Configuration { get; }
    DistributedApplicationOptions Options { get; }
    DistributedApplicationExecutionContext ExecutionContext { get; }
    string AppHostDirectory { get; }
    IReadOnlyList<IResource> Resources { get; }

    IResourceBuilder<T> AddResource<T>(T resource) where T : IResource;
    IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource;
    DistributedApplication Build();
}

public interface IResourceBuilder<out T> where T : IResource
{
    IDistributedApplicationBuilder ApplicationBuilder { get; }
    T Resource { get; }
}

internal sealed class ResourceBuilder<T>(IDistributedApplicationBuilder applicationBuilder, T resource) : IResourceBuilder<T> where T : IResource
{
    public IDistributedApplicationBuilder ApplicationBuilder { get; } = applicationBuilder;
    public T Resource { get; } = resource;
}

/// <summary>A mistake in the model or the options that the user can fix; the message says how.</summary>
public sealed class DistributedApplicationException(string message, int exitCode = 1) : Exception(message)
{
    /// <summary>2 for bad command-line input, 1 for everything else.</summary>
    public int ExitCode { get; } = exitCode;
}

/// <summary>The resources of an app, in the order they were declared.</summary>
public sealed class DistributedApplicationModel(IReadOnlyList<IResource> resources)
{
    public IReadOnlyList<IResource> Resources { get; } = resources;

    public IResource? Find(string name) => Resources.FirstOrDefault(r => r.Name == name);
}
