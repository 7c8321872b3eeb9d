namespace Lab.Testing.Processes;

/// <summary>
/// A temporary state folder that the postgres user can enter (mode 0755): the default temp folder is 0700,
/// which PostgreSQL, running as its own user when we are root, cannot traverse.
/// </summary>
public sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path, (UnixFileMode)0b111_101_101);
        }
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A server that is still shutting down may hold a file; the OS cleans temp eventually.
        }
    }
}
