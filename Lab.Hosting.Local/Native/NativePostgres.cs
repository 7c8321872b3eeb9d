// PostgreSQL as a native process, modelled as Aspire resources: the server and the databases consumers reference.
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Lab.Hosting.Local.Native;

public sealed class NativePostgresServerResource(string name, string command, string workingDirectory, ParameterResource password, string dataDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const string UserName = "postgres";
    private EndpointReference? _primary;

    public EndpointReference PrimaryEndpoint => _primary ??= new(this, EndpointName);
    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The cluster's folder, kept across runs (the lab's runs and decisions live here) until --fresh.</summary>
    public string DataDirectory { get; } = dataDirectory;

    public List<NativePostgresDatabaseResource> Databases { get; } = [];

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={PasswordParameter}");
}

/// <summary>
/// A database on the server: not a process, so nothing moves it out of NotStarted but the server's extension, which
/// creates it once the server is healthy and then marks it Running; its own health check then gates WaitFor(labdb).
/// </summary>
public sealed class NativePostgresDatabaseResource(string name, string databaseName, NativePostgresServerResource parent)
    : Resource(name), IResourceWithParent<NativePostgresServerResource>, IResourceWithConnectionString
{
    public NativePostgresServerResource Parent { get; } = parent;
    public string DatabaseName { get; } = databaseName;
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}

public static class NativePostgresExtensions
{
    public static IResourceBuilder<NativePostgresServerResource> AddNativePostgres(this IDistributedApplicationBuilder builder, string name)
    {
        var settings = builder.LabSettings();
        var password = builder.AddRememberedSecret($"{name}-password");
        var bin = NativeBinaries.FindPostgresBin(settings.BinPath)
            ?? (builder.ExecutionContext.IsPublishMode ? "/usr/lib/postgresql/bin"
                : settings.Missing(builder, new MissingDependencyException("initdb/postgres (PostgreSQL server)", NativeBinaries.PostgresInstallCommand), "/usr/lib/postgresql/bin"));
        var postgres = Path.Combine(bin, "postgres");
        // PostgreSQL refuses to run as root: as root, setpriv execs it as the postgres user in place (no extra parent process).
        var asRoot = Environment.UserName == "root";
        var dataDirectory = Path.Combine(settings.State?.Path ?? builder.AppHostDirectory, name);
        var resource = new NativePostgresServerResource(name, asRoot ? "/usr/bin/setpriv" : postgres, settings.State?.Path ?? builder.AppHostDirectory,
            password.Resource, dataDirectory);

        var healthKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthKey, _ => new DelegateHealthCheck(async ct =>
            await ServerHealthChecks.PostgresAsync(await resource.ConnectionStringExpression.GetValueAsync(ct) ?? "", ct)), failureStatus: default, tags: default));

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(resource, async (_, ct) =>
        {
            if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
            {
                await InitializeAsync(bin, dataDirectory, await password.Resource.GetValueAsync(ct) ?? "", asRoot, ct);
            }
        });
        builder.Eventing.Subscribe<ResourceReadyEvent>(resource, async (e, ct) =>
        {
            await CreateDatabasesAsync(resource, ct);
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var database in resource.Databases)
            {
                await notifications.PublishUpdateAsync(database, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow });
            }
        });

        return builder.AddResource(resource)
            .WithEndpoint(name: NativePostgresServerResource.EndpointName, scheme: "tcp", isProxied: true)
            .WithArgs(context =>
            {
                if (asRoot)
                {
                    foreach (var arg in new[] { "--reuid=postgres", "--regid=postgres", "--init-groups", postgres })
                    {
                        context.Args.Add(arg);
                    }
                }
                // The unix socket goes into the data folder: no /var/run/postgresql needed.
                foreach (var arg in new[] { "-D", dataDirectory, "-h", "127.0.0.1", "-k", dataDirectory, "-p" })
                {
                    context.Args.Add(arg);
                }
                context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
            })
            .WithHealthCheck(healthKey);
    }

    /// <summary>A server setting passed as <c>-c name=value</c> on every start, e.g. fsync=off for a throwaway benchmark server.</summary>
    public static IResourceBuilder<NativePostgresServerResource> WithServerSetting(this IResourceBuilder<NativePostgresServerResource> server, string name, string value) =>
        server.WithArgs("-c", $"{name}={value}");

    public static IResourceBuilder<NativePostgresDatabaseResource> AddDatabase(this IResourceBuilder<NativePostgresServerResource> server, string name, string? databaseName = null)
    {
        var database = new NativePostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        server.Resource.Databases.Add(database);
        var healthKey = $"{name}_check";
        server.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthKey, _ => new DelegateHealthCheck(async ct =>
            await ServerHealthChecks.PostgresAsync(await database.ConnectionStringExpression.GetValueAsync(ct) ?? "", ct)), failureStatus: default, tags: default));
        return server.ApplicationBuilder.AddResource(database)
            .WithParentRelationship(server.Resource)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                Properties = [new("postgres.database", database.DatabaseName)],
                State = KnownResourceStates.NotStarted,
            })
            .WithHealthCheck(healthKey);
    }

    private static async Task InitializeAsync(string bin, string dataDirectory, string password, bool asRoot, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        var passwordFile = dataDirectory + ".pw";
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        try
        {
            if (asRoot)
            {
                await RunAsync("chown", ["postgres:postgres", dataDirectory, passwordFile], cancellationToken);
            }
            string[] initdb = [Path.Combine(bin, "initdb"), "-D", dataDirectory, "-U", NativePostgresServerResource.UserName, "-A", "scram-sha-256",
                $"--pwfile={passwordFile}", "--no-sync", "-E", "UTF8", "--locale=C"];
            await (asRoot
                ? RunAsync("/usr/bin/setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", .. initdb], cancellationToken)
                : RunAsync(initdb[0], initdb[1..], cancellationToken));
        }
        catch
        {
            // A half-initialised folder would make every later start skip initdb and fail.
            Directory.Delete(dataDirectory, recursive: true);
            throw;
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static async Task CreateDatabasesAsync(NativePostgresServerResource server, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(await server.ConnectionStringExpression.GetValueAsync(cancellationToken) + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        foreach (var database in server.Databases)
        {
            await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection) { Parameters = { new() { Value = database.DatabaseName } } };
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}
