// Finds redis-server and the PostgreSQL server binaries, and says how to install them when they are missing.
namespace Lab.Hosting.Local.Native;

public static class NativeBinaries
{
    public const string RedisInstallCommand = "sudo apt-get install -y redis-server";
    public const string PostgresInstallCommand = "sudo apt-get install -y postgresql";

    /// <summary>redis-server: only in <paramref name="searchPath"/> when given (tests simulate a bare machine), else PATH, /usr/bin, /usr/local/bin.</summary>
    public static string? FindRedisServer(string? searchPath) =>
        searchPath is not null
            ? Existing(Path.Combine(searchPath, "redis-server"))
            : PathDirectories().Append("/usr/bin").Append("/usr/local/bin").Select(d => Existing(Path.Combine(d, "redis-server"))).FirstOrDefault(f => f is not null);

    /// <summary>The folder holding initdb and postgres: Debian's /usr/lib/postgresql/N/bin, newest first, then PATH.</summary>
    public static string? FindPostgresBin(string? searchPath)
    {
        if (searchPath is not null)
        {
            return Existing(Path.Combine(searchPath, "initdb")) is not null && Existing(Path.Combine(searchPath, "postgres")) is not null ? searchPath : null;
        }
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var version) ? version : 0)
                .Select(d => Path.Combine(d, "bin"))
            : [];
        // PATH may hold only symlinks into the versioned folders: resolve them to find postgres beside initdb.
        var initdb = debian.Concat(PathDirectories()).Select(d => Existing(Path.Combine(d, "initdb"))).FirstOrDefault(f => f is not null);
        return initdb is null ? null : Path.GetDirectoryName(new FileInfo(initdb).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb);
    }

    private static IEnumerable<string> PathDirectories() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

    private static string? Existing(string file) => File.Exists(file) ? file : null;
}

/// <summary>A native dependency is missing; the message carries the command that installs it.</summary>
public sealed class MissingDependencyException(string program, string installCommand)
    : Exception($"'{program}' was not found. Install it with: {installCommand}")
{
    public string Program { get; } = program;
    public string InstallCommand { get; } = installCommand;
}
