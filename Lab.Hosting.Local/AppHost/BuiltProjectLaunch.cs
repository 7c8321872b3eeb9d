// A local run starts each service as its built program instead of through a `dotnet run` that stays resident beside it.
using System.Reflection;
using System.Runtime.InteropServices;

namespace Lab.Hosting.Local.AppHost;

/// <summary>
/// DCP starts a <see cref="ProjectResource"/> as <c>dotnet run --project … --no-build --no-launch-profile</c>, and that
/// <c>dotnet run</c> stays resident as the service's parent (~134 MB RSS each, seven in the lab). Aspire's own launch
/// recipe for projects takes the command and working directory from the resource's <see cref="ExecutableAnnotation"/>
/// when it has one, and then adds no <c>run --project</c> arguments: the resource stays a <see cref="ProjectResource"/>
/// (endpoints, references, service discovery, WaitFor, health checks, replicas, OTLP, the dashboard's Rebuild, the
/// publishers all see the same model) and only the process DCP starts changes. Publish mode is left alone.
/// </summary>
public static class BuiltProjectLaunch
{
    /// <summary>Key prefix of the AppHost's <c>AssemblyMetadata</c> naming each service's target path (Lab.AppHost.csproj).</summary>
    public const string MetadataPrefix = "LabProjectOutput:";

    /// <summary>
    /// Run mode: every project whose build output the AppHost recorded is started as the apphost executable next to its
    /// assembly (what <c>dotnet run</c> itself would exec), with the AppHost's own working directory rule (the project
    /// folder) and arguments unchanged. A project without a recorded output, or without an apphost (UseAppHost=false),
    /// keeps Aspire's default launch.
    /// </summary>
    public static void LaunchProjectsFromBuildOutput(this IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsRunMode || builder.AppHostAssembly is not { } appHost)
        {
            return;
        }
        var comparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        var outputs = appHost.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Where(a => a.Key.StartsWith(MetadataPrefix, StringComparison.Ordinal) && !string.IsNullOrEmpty(a.Value))
            .ToDictionary(a => Path.GetFullPath(a.Key[MetadataPrefix.Length..]), a => a.Value!, comparer);
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            var projectPath = Path.GetFullPath(project.GetProjectMetadata().ProjectPath);
            if (project.HasAnnotationOfType<ExecutableAnnotation>() || !outputs.TryGetValue(projectPath, out var assembly))
            {
                continue;
            }
            var program = Path.ChangeExtension(assembly, OperatingSystem.IsWindows() ? ".exe" : null);
            if (!File.Exists(program))
            {
                continue;
            }
            project.Annotations.Add(new ExecutableAnnotation { Command = program, WorkingDirectory = Path.GetDirectoryName(projectPath)! });
            // An apphost looks for the runtime in DOTNET_ROOT_<ARCH> before the default install location; `dotnet run`
            // sets it to its own root, this sets it to the root of the runtime the AppHost itself runs on.
            project.Annotations.Add(new EnvironmentCallbackAnnotation(context => context.EnvironmentVariables.TryAdd(DotnetRootVariable, DotnetRoot)));
        }
    }

    private static readonly string DotnetRootVariable = $"DOTNET_ROOT_{RuntimeInformation.ProcessArchitecture.ToString().ToUpperInvariant()}";

    private static string DotnetRoot { get; } =
        Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
}
