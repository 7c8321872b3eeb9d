// Finds the native programs the lab runs, and says how to install them when they are missing.
namespace Lab.Hosting.Native;

public static class ExecutableLocator
{
    /// <summary>Looks in PATH and then in the given extra folders; null when not found.</summary>
    public static string? Find(string name, params IEnumerable<string> extraDirectories)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator).Concat(extraDirectories))
        {
            if (string.IsNullOrEmpty(directory))
            {
                continue;
            }
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>Looks only in <paramref name="searchPath"/> when given (an override), else as <see cref="Find(string, IEnumerable{string})"/>.</summary>
    public static string? FindIn(string name, string? searchPath, params IEnumerable<string> extraDirectories)
    {
        if (searchPath is null)
        {
            return Find(name, extraDirectories);
        }
        var candidate = Path.Combine(searchPath, name);
        return File.Exists(candidate) ? candidate : null;
    }

    /// <summary>PostgreSQL server binaries only in <paramref name="searchPath"/> when given, else as <see cref="FindPostgresBin()"/>.</summary>
    public static string? FindPostgresBin(string? searchPath)
    {
        if (searchPath is null)
        {
            return FindPostgresBin();
        }
        return File.Exists(Path.Combine(searchPath, "initdb")) && File.Exists(Path.Combine(searchPath, "postgres")) ? searchPath : null;
    }

    /// <summary>PostgreSQL server binaries: Debian puts them in /usr/lib/postgresql/N/bin, newest first.</summary>
    public static string? FindPostgresBin()
    {
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .OrderByDescending(x => x.Version)
                .Select(x => Path.Combine(x.Dir, "bin"))
            : [];
        // Debian's versioned folders first; PATH may hold only symlinks into them.
        var initdb = debian.Select(d => Path.Combine(d, "initdb")).FirstOrDefault(File.Exists) ?? Find("initdb");
        if (initdb is null)
        {
            return null;
        }
        var resolved = new FileInfo(initdb).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb;
        return Path.GetDirectoryName(resolved);
    }
}

/// <summary>A native dependency is missing; the message carries the command that installs it.</summary>
public sealed class MissingDependencyException(string program, string installCommand)
    : Exception($"'{program}' was not found. Install it with: {installCommand}")
{
    public string Program { get; } = program;
    public string InstallCommand { get; } = installCommand;
}
