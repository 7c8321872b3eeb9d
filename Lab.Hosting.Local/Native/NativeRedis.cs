// Redis as a native process (no container runtime here), modelled as an Aspire resource with a connection string.
using Lab.Hosting.Local.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lab.Hosting.Local.Native;

/// <summary>An executable (so DCP runs it as a plain process) that consumers reference as <c>ConnectionStrings__{name}</c>.</summary>
public sealed class NativeRedisResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    private EndpointReference? _primary;

    public EndpointReference PrimaryEndpoint => _primary ??= new(this, EndpointName);
    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>StackExchange.Redis's configuration format, what Aspire.StackExchange.Redis expects.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={PasswordParameter}");
}

public static class NativeRedisExtensions
{
    /// <summary>redis-server on loopback with a remembered password; streams live in memory (the lab's runs end in PostgreSQL).</summary>
    public static IResourceBuilder<NativeRedisResource> AddNativeRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var settings = builder.LabSettings();
        var password = builder.AddRememberedSecret($"{name}-password");
        // Publishing only needs the model; running fails before anything starts when the program is missing.
        var command = NativeBinaries.FindRedisServer(settings.BinPath)
            ?? (builder.ExecutionContext.IsPublishMode ? "redis-server"
                : settings.Missing(builder, new MissingDependencyException("redis-server", NativeBinaries.RedisInstallCommand), "redis-server"));
        var resource = new NativeRedisResource(name, command, settings.State?.Path ?? builder.AppHostDirectory, password.Resource);

        var healthKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthKey, _ => new DelegateHealthCheck(async ct =>
            await ServerHealthChecks.RedisAsync(resource.PrimaryEndpoint.Host, resource.PrimaryEndpoint.Port,
                await password.Resource.GetValueAsync(ct) ?? "", ct)), failureStatus: default, tags: default));

        return builder.AddResource(resource)
            .WithEndpoint(name: NativeRedisResource.EndpointName, scheme: "tcp", isProxied: true)
            .WithArgs(context =>
            {
                string[] fixedArgs = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--supervised", "no", "--logfile", ""];
                context.Args.Add("--port");
                context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--requirepass");
                context.Args.Add(password.Resource);
                foreach (var arg in fixedArgs)
                {
                    context.Args.Add(arg);
                }
            })
            .WithHealthCheck(healthKey);
    }
}
