// Collects the resources an AppHost declares and turns them into a runnable DistributedApplication.
using System.Reflection;
using System.Text.RegularExpressions;
using Lab.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace Lab.Hosting;

internal sealed partial class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    private readonly List<IResource> _resources = [];

    public DistributedApplicationBuilder(DistributedApplicationOptions options)
    {
        Options = options;
        ExecutionContext = new DistributedApplicationExecutionContext(options.Publisher is null
            ? DistributedApplicationOperation.Run
            : DistributedApplicationOperation.Publish);
        AppHostDirectory = options.AppHostDirectory ?? FindAppHostDirectory();
        Configuration = new ConfigurationManager();
        Configuration.AddEnvironmentVariables();
        Configuration.AddInMemoryCollection(options.ParameterArguments.Select(p =>
            new KeyValuePair<string, string?>($"Parameters:{p.Key}", p.Value)));
    }

    public ConfigurationManager Configuration { get; }
    public DistributedApplicationOptions Options { get; }
    public DistributedApplicationExecutionContext ExecutionContext { get; }
    public string AppHostDirectory { get; }
    public IReadOnlyList<IResource> Resources => _resources;

    /// <summary>Set by the testing builder: sees the builder when the AppHost calls Build, and may stop it there.</summary>
    internal static readonly AsyncLocal<IDistributedApplicationBuilderInterceptor?> Interceptor = new();

    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        if (!ResourceName().IsMatch(resource.Name))
        {
            throw new DistributedApplicationException(
                $"Resource name '{resource.Name}' is invalid: use lower-case letters, digits and hyphens, starting with a letter.");
        }
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DistributedApplicationException($"A resource named '{resource.Name}' is already declared.");
        }
        _resources.Add(resource);
        return CreateResourceBuilder(resource);
    }

    public IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource => new ResourceBuilder<T>(this, resource);

    public DistributedApplication Build()
    {
        var interceptor = Interceptor.Value;
        if (interceptor is not null)
        {
            Interceptor.Value = null;
            interceptor.OnBuilding(this);
        }
        return BuildCore();
    }

    internal DistributedApplication BuildCore()
    {
        var parameters = _resources.OfType<ParameterResource>().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var errors = new List<string>(Options.Errors);
        foreach (var name in Options.ParameterArguments.Keys.Concat(Options.ParametersWithoutValue).Where(n => !parameters.Contains(n)))
        {
            errors.Add($"Unknown option '--{name}'.");
        }
        foreach (var name in Options.ParametersWithoutValue.Where(parameters.Contains))
        {
            errors.Add($"Option '--{name}' needs a value.");
        }
        return new DistributedApplication(new DistributedApplicationModel([.. _resources]), Options, ExecutionContext,
            AppHostDirectory, errors, DistributedApplicationOptions.Usage(parameters));
    }

    private static string FindAppHostDirectory()
    {
        var recorded = Assembly.GetEntryAssembly()?.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "LabAppHostProjectDirectory")?.Value;
        return recorded is not null && Directory.Exists(recorded) ? recorded : AppContext.BaseDirectory;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex ResourceName();
}

/// <summary>Lets Lab.Hosting.Testing take over the AppHost's builder at the moment its Program calls Build.</summary>
internal interface IDistributedApplicationBuilderInterceptor
{
    void OnCreating(DistributedApplicationOptions options);

    void OnBuilding(DistributedApplicationBuilder builder);
}
