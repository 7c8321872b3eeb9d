// The .lab/ state folder on real Aspire's builder: remembered secrets, --fresh, and where the folder is found.
using Lab.Hosting.Local.AppHost;
using Lab.Hosting.Local.State;

namespace Lab.Hosting.Local.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StateFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lab-state-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string StateDir => Path.Combine(_root, ".lab");

    private string RememberedValue(string name, params string[] args)
    {
        var builder = LabAppHost.CreateBuilder(["--state-dir", StateDir, "--port", "0", .. args]);
        builder.AddRememberedSecret(name);
        return builder.Configuration[$"Parameters:{name}"]!;
    }

    [Fact]
    public void A_generated_secret_is_remembered_across_runs_and_a_configured_one_wins_without_being_written()
    {
        var first = RememberedValue("postgres-password");
        var second = RememberedValue("postgres-password");
        var configured = RememberedValue("lab-api-key", "--lab-api-key", "from-the-command-line");

        Assert.Equal(22, first.Length);
        Assert.Equal(first, second);
        Assert.Equal("from-the-command-line", configured);
        var parameters = File.ReadAllText(Path.Combine(StateDir, "parameters.json"));
        Assert.Contains(first, parameters);
        Assert.DoesNotContain("from-the-command-line", parameters);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(StateDir, "parameters.json")));
    }

    [Fact]
    public void Fresh_wipes_what_was_remembered()
    {
        var before = RememberedValue("postgres-password");
        var after = RememberedValue("postgres-password", "--fresh");

        Assert.NotEqual(before, after);
    }

    [Fact]
    public void Publishing_touches_no_state_folder()
    {
        var builder = LabAppHost.CreateBuilder(["--state-dir", StateDir, "--publisher", "manifest", "--output-path", Path.Combine(_root, "lab.json")]);
        builder.AddRememberedSecret("postgres-password");

        Assert.Null(builder.Configuration["Parameters:postgres-password"]);
        Assert.False(Directory.Exists(StateDir));
    }

    [Fact]
    public void The_state_folder_is_found_at_the_repository_root_above_the_apphost()
    {
        File.WriteAllText(Path.Combine(_root, "Lab.sln"), "");
        var appHost = Directory.CreateDirectory(Path.Combine(_root, "Lab.AppHost")).FullName;

        Assert.Equal(Path.Combine(_root, ".lab"), StateFolder.Locate(appHost));
    }
}
