// The state folder (.lab/ at the repository root): server data, remembered parameter values, apphost.json for the CLI.
using System.Security.Cryptography;
using System.Text.Json;
using Lab.Contracts.ControlPlane;

namespace Lab.Hosting.Local.State;

public sealed class StateFolder
{
    /// <summary>The contract's types, indented: people read these files too.</summary>
    private static readonly ControlPlaneJsonContext Json = new(new JsonSerializerOptions(ControlPlaneJsonContext.Default.Options) { WriteIndented = true });
    private readonly Lock _parametersLock = new();

    public StateFolder(string path, bool fresh)
    {
        Path = System.IO.Path.GetFullPath(path);
        if (fresh && Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
        Directory.CreateDirectory(Path);
        if (!OperatingSystem.IsWindows())
        {
            // PostgreSQL runs as its own user when the AppHost is root and must be able to enter the folder.
            File.SetUnixFileMode(Path, (UnixFileMode)0b111_101_101);
        }
    }

    public string Path { get; }
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

    /// <summary>
    /// The value generated for <paramref name="name"/> on the first run and remembered in parameters.json (mode 0600),
    /// so that e.g. the PostgreSQL password keeps matching the data folder initialised with it.
    /// </summary>
    public string Remembered(string name)
    {
        lock (_parametersLock)
        {
            var stored = ReadParameters();
            if (stored.TryGetValue(name, out var value))
            {
                return value;
            }
            value = Generate();
            stored[name] = value;
            File.WriteAllText(ParametersFile, JsonSerializer.Serialize(stored, Json.DictionaryStringString));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(ParametersFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            return value;
        }
    }

    private Dictionary<string, string> ReadParameters() =>
        File.Exists(ParametersFile) ? JsonSerializer.Deserialize(File.ReadAllText(ParametersFile), Json.DictionaryStringString) ?? [] : [];

    /// <summary>
    /// Written beside and renamed over, so a CLI polling the file never reads it half-written (the control API rewrites
    /// it whenever endpoints appear, while the CLI waits for the lab).
    /// </summary>
    public void WriteAppHostFile(AppHostInfo info)
    {
        var next = $"{AppHostFile}.{Environment.ProcessId}.next";
        File.WriteAllText(next, JsonSerializer.Serialize(info, Json.AppHostInfo));
        File.Move(next, AppHostFile, overwrite: true);
    }

    public void DeleteAppHostFile(int pid)
    {
        try
        {
            // Another AppHost may have taken over the folder; only remove our own record.
            if (File.Exists(AppHostFile) && JsonSerializer.Deserialize(File.ReadAllText(AppHostFile), Json.AppHostInfo)?.Pid == pid)
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
