// WithReference, WaitFor, WithEnvironment and friends: how resources are wired, named as in Aspire.Hosting.
using Lab.Hosting.ApplicationModel;

namespace Lab.Hosting;

public static class ResourceBuilderExtensions
{
    /// <summary>Hands the connection string over as <c>ConnectionStrings__{name}</c>.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source)
        where T : ProcessResource
    {
        var resource = source.Resource;
        builder.Resource.EnvironmentCallbacks.Add(context =>
            context.EnvironmentVariables[$"ConnectionStrings__{resource.Name}"] = new ConnectionStringReference(resource));
        return builder;
    }

    /// <summary>Service discovery: <c>services__{name}__{endpoint}__{i}</c>, one entry per replica of the target.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<ProcessResource> source)
        where T : ProcessResource
    {
        var target = source.Resource;
        builder.Resource.EnvironmentCallbacks.Add(context =>
        {
            var replicas = context.ExecutionContext.IsRunMode ? target.Replicas : 1;
            foreach (var endpoint in target.Endpoints.Where(e => e.Scheme is "http" or "https"))
            {
                for (var replica = 0; replica < replicas; replica++)
                {
                    context.EnvironmentVariables[$"services__{target.Name}__{endpoint.Name}__{replica}"] =
                        new EndpointReference(target, endpoint.Name, EndpointProperty.Url, replica);
                }
            }
        });
        return builder;
    }

    /// <summary>One endpoint of a resource: <c>services__{resource}__{endpoint}__0</c>.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, EndpointReference endpoint)
        where T : ProcessResource
    {
        builder.Resource.EnvironmentCallbacks.Add(context =>
            context.EnvironmentVariables[$"services__{endpoint.Resource.Name}__{endpoint.EndpointName}__0"] = endpoint);
        return builder;
    }

    public static EndpointReference GetEndpoint<T>(this IResourceBuilder<T> builder, string name) where T : IResourceWithEndpoints =>
        builder.Resource.Endpoints.Any(e => e.Name == name)
            ? new EndpointReference(builder.Resource, name)
            : throw new DistributedApplicationException($"Resource '{builder.Resource.Name}' has no endpoint '{name}'. " +
                $"Endpoints: {string.Join(", ", builder.Resource.Endpoints.Select(e => e.Name))}.");

    /// <summary>Holds this resource in Waiting until the dependency is Running and healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : IResourceWithWaitSupport
    {
        builder.Resource.WaitsFor.Add(dependency.Resource);
        return builder;
    }

    public static IResourceBuilder<T> WithReplicas<T>(this IResourceBuilder<T> builder, int replicas) where T : ProcessResource
    {
        if (replicas < 1)
        {
            throw new DistributedApplicationException($"Resource '{builder.Resource.Name}' needs at least 1 replica, not {replicas}.", exitCode: 2);
        }
        builder.Resource.Replicas = replicas;
        return builder;
    }

    /// <summary>Replicas from a parameter (e.g. <c>--workers 4</c>); the value must be a whole number ≥ 1.</summary>
    public static IResourceBuilder<T> WithReplicas<T>(this IResourceBuilder<T> builder, IResourceBuilder<ParameterResource> replicas)
        where T : ProcessResource
    {
        var parameter = replicas.Resource;
        return int.TryParse(parameter.Value, out var count) && count >= 1
            ? builder.WithReplicas(count)
            : throw new DistributedApplicationException(
                $"Parameter '{parameter.Name}' sets the replicas of '{builder.Resource.Name}' and must be a whole number ≥ 1, not '{parameter.Value}'.",
                exitCode: 2);
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value) where T : ProcessResource
    {
        builder.Resource.EnvironmentCallbacks.Add(context => context.EnvironmentVariables[name] = value);
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IResourceBuilder<ParameterResource> parameter)
        where T : ProcessResource
    {
        builder.Resource.EnvironmentCallbacks.Add(context => context.EnvironmentVariables[name] = parameter.Resource);
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, Action<EnvironmentCallbackContext> callback)
        where T : ProcessResource
    {
        builder.Resource.EnvironmentCallbacks.Add(callback);
        return builder;
    }

    public static IResourceBuilder<T> WithArgs<T>(this IResourceBuilder<T> builder, params string[] args) where T : ProcessResource
    {
        builder.Resource.Arguments.AddRange(args);
        return builder;
    }

    /// <param name="port">A fixed host port; null picks a free one per replica.</param>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, string? name = null)
        where T : ProcessResource
    {
        name ??= "http";
        if (builder.Resource.Endpoints.Any(e => e.Name == name))
        {
            throw new DistributedApplicationException($"Resource '{builder.Resource.Name}' already has an endpoint named '{name}'.");
        }
        builder.Resource.Endpoints.Add(new EndpointAnnotation(name, "http", port, port));
        return builder;
    }

    public static IResourceBuilder<T> WithExternalHttpEndpoints<T>(this IResourceBuilder<T> builder) where T : ProcessResource
    {
        foreach (var endpoint in builder.Resource.Endpoints.Where(e => e.Scheme is "http" or "https"))
        {
            endpoint.IsExternal = true;
        }
        return builder;
    }

    /// <summary>Polls <paramref name="path"/> on the http endpoint; healthy on 200.</summary>
    public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, string path = "/health", string endpointName = "http")
        where T : ProcessResource
    {
        if (builder.Resource.Endpoints.All(e => e.Name != endpointName))
        {
            builder.WithHttpEndpoint(name: endpointName);
        }
        builder.Resource.HealthCheckPath = path;
        builder.Resource.HealthCheckEndpointName = endpointName;
        return builder;
    }
}
