// The state folder (.lab/ at the repository root): server data, remembered parameters, and apphost.json for the CLI.
using System.Security.Cryptography;
using System.Text.Json;
using Lab.Contracts.ControlPlane;
using Lab.Hosting.ApplicationModel;

namespace Lab.Hosting.Orchestration;

internal sealed class StateFolder(string path)
{
    /// <summary>The contract's types, indented: people read these files too.</summary>
    private static readonly ControlPlaneJsonContext Json = new(new JsonSerializerOptions(ControlPlaneJsonContext.Default.Options) { WriteIndented = true });

    public string Path { get; } = path;

    public string ParametersFile => System.IO.Path.Combine(Path, LabStateFolder.ParametersFile);
    public string AppHostFile => System.IO.Path.Combine(Path, LabStateFolder.AppHostFile);

    /// <summary>.lab/ in the first folder above the AppHost project that holds a solution or a .git; else beside the AppHost.</summary>
    public static string Locate(string appHostDirectory)
    {
        for (var directory = new DirectoryInfo(appHostDirectory); directory is not null; directory = directory.Parent)
        {
            if (directory.GetFiles("*.sln").Length > 0 || directory.GetFiles("*.slnx").Length > 0
                || Directory.Exists(System.IO.Path.Combine(directory.FullName, ".git")) || File.Exists(System.IO.Path.Combine(directory.FullName, ".git")))
            {
                return System.IO.Path.Combine(directory.FullName, LabStateFolder.Name);
            }
        }
        return System.IO.Path.Combine(appHostDirectory, LabStateFolder.Name);
    }

    public void Prepare(bool fresh)
    {
        if (fresh && Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
        Directory.CreateDirectory(Path);
        if (!OperatingSystem.IsWindows())
        {
            // PostgreSQL runs as its own user when we are root and must be able to enter the folder.
            File.SetUnixFileMode(Path, (UnixFileMode)0b111_101_101);
        }
    }

    /// <summary>
    /// Values of parameters not set in configuration: remembered from an earlier run, or generated now and remembered,
    /// so that e.g. the PostgreSQL password matches the data folder initialised with it.
    /// </summary>
    public void ResolveParameters(IEnumerable<ParameterResource> parameters, PortAllocation values)
    {
        var stored = File.Exists(ParametersFile)
            ? JsonSerializer.Deserialize(File.ReadAllText(ParametersFile), Json.DictionaryStringString) ?? []
            : new Dictionary<string, string>();
        var changed = false;
        foreach (var parameter in parameters)
        {
            if (parameter.Value is { } configured)
            {
                values.SetParameter(parameter.Name, configured);
            }
            else if (stored.TryGetValue(parameter.Name, out var remembered))
            {
                values.SetParameter(parameter.Name, remembered);
            }
            else if (parameter.GenerateWhenMissing)
            {
                var generated = Generate();
                stored[parameter.Name] = generated;
                values.SetParameter(parameter.Name, generated);
                changed = true;
            }
            else
            {
                throw new DistributedApplicationException(
                    $"Parameter '{parameter.Name}' has no value: set Parameters:{parameter.Name} in configuration or pass --{parameter.Name} <value>.", exitCode: 2);
            }
        }
        if (changed)
        {
            File.WriteAllText(ParametersFile, JsonSerializer.Serialize(stored, Json.DictionaryStringString));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(ParametersFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
    }

    public void WriteAppHostFile(AppHostInfo info) =>
        File.WriteAllText(AppHostFile, JsonSerializer.Serialize(info, Json.AppHostInfo));

    public void DeleteAppHostFile(int pid)
    {
        try
        {
            // Another AppHost may have taken over the folder; only remove our own record.
            if (File.Exists(AppHostFile)
                && JsonSerializer.Deserialize(File.ReadAllText(AppHostFile), Json.AppHostInfo)?.Pid == pid)
            {
                File.Delete(AppHostFile);
            }
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
        }
    }

    /// <summary>22 characters from an alphabet that needs no quoting in connection strings or URLs.</summary>
    private static string Generate() =>
        RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 22);
}
