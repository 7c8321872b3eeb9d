// AddRedis, AddPostgres(...).AddDatabase, AddProject<T>, AddExecutable and AddParameter, named as in Aspire.Hosting.
using Lab.Hosting.ApplicationModel;

namespace Lab.Hosting;

public static class ResourceExtensions
{
    public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var password = builder.AddParameter($"{name}-password", secret: true).Resource;
        return builder.AddResource(new RedisResource(name, password));
    }

    public static IResourceBuilder<PostgresServerResource> AddPostgres(this IDistributedApplicationBuilder builder, string name)
    {
        var password = builder.AddParameter($"{name}-password", secret: true).Resource;
        return builder.AddResource(new PostgresServerResource(name, password));
    }

    /// <summary>A database created on the server at start (kept across restarts in the state folder).</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> server, string name,
        string? databaseName = null)
    {
        var database = new PostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        server.Resource.Databases.Add(database);
        return server.ApplicationBuilder.AddResource(database);
    }

    /// <summary>A .NET project, run locally from its build output with <c>dotnet</c>.</summary>
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject(name, new TProject());

    public static IResourceBuilder<ProjectResource> AddProject(this IDistributedApplicationBuilder builder, string name, IProjectMetadata metadata)
    {
        var project = builder.AddResource(new ProjectResource(name, metadata));
        // Projects listen on http like Aspire's default launch profile; health checks and references use it.
        return project.WithHttpEndpoint();
    }

    public static IResourceBuilder<ExecutableResource> AddExecutable(this IDistributedApplicationBuilder builder, string name, string command,
        string workingDirectory, params string[] args)
    {
        var executable = builder.AddResource(new ExecutableResource(name, command, Path.GetFullPath(workingDirectory, builder.AppHostDirectory)));
        return executable.WithArgs(args);
    }

    /// <summary>
    /// A value from configuration <c>Parameters:{name}</c> (or <c>--name value</c>); otherwise <paramref name="value"/>;
    /// otherwise, for secrets, generated once and remembered in the state folder.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddParameter(this IDistributedApplicationBuilder builder, string name, string? value = null,
        bool secret = false)
    {
        var parameter = new ParameterResource(name, secret, value, generateWhenMissing: value is null && secret)
        {
            Value = builder.Configuration[$"Parameters:{name}"] ?? value,
        };
        return builder.AddResource(parameter);
    }

    public static IResourceBuilder<ParameterResource> AddParameter(this IDistributedApplicationBuilder builder, string name, bool secret) =>
        builder.AddParameter(name, value: null, secret);
}
