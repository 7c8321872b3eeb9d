// A lab AppHost's exit codes and messages on real Aspire's builder: bad options stop it before anything is built.
using Lab.Hosting.Local.AppHost;
using Lab.Hosting.Local.Native;

namespace Lab.Hosting.Local.Tests;

public sealed class LabAppHostTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("lab-apphost-args-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var builder = LabAppHost.CreateBuilder(["--state-dir", _state, "--port", "0", .. args]);
        builder.AddParameter("lab-api-key", secret: true);
        builder.AddReplicaCount("workers", defaultValue: 2);
        builder.AddExecutable("worker", "/bin/sleep", _state, "300");
        using StringWriter output = new(), error = new();
        var exitCode = builder.RunLab(output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void An_unknown_option_exits_2_and_lists_the_valid_ones_with_the_models_parameters()
    {
        var (exitCode, _, error) = Run("--wrokers", "4");

        Assert.Equal(2, exitCode);
        Assert.StartsWith("Unknown option '--wrokers'.", error);
        foreach (var valid in new[] { "--port", "--fresh", "--publisher", "--state-dir", "--workers", "--lab-api-key" })
        {
            Assert.Contains(valid, error);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("many")]
    [InlineData("65")]
    public void A_replica_count_outside_1_to_64_exits_2_with_the_range(string workers)
    {
        var (exitCode, _, error) = Run("--workers", workers);

        Assert.Equal(2, exitCode);
        Assert.Contains($"--workers must be a whole number 1-64, not '{workers}'.", error);
    }

    [Fact]
    public void A_missing_server_program_exits_1_with_the_command_that_installs_it_before_anything_starts()
    {
        var empty = Directory.CreateTempSubdirectory("lab-bin-").FullName;
        try
        {
            var builder = LabAppHost.CreateBuilder(["--state-dir", _state, "--port", "0", "--bin-path", empty]);
            builder.AddNativeRedis("redis");
            using StringWriter output = new(), error = new();

            Assert.Equal(1, builder.RunLab(output, error));
            Assert.Equal("'redis-server' was not found. Install it with: sudo apt-get install -y redis-server", error.ToString().Trim());
            Assert.False(File.Exists(Path.Combine(_state, "apphost.json")));
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void Help_prints_the_options_and_exits_0_without_starting_anything()
    {
        var (exitCode, output, error) = Run("--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--workers", output);
        Assert.Empty(error);
        Assert.False(File.Exists(Path.Combine(_state, "apphost.json")));
    }

    [Fact]
    public void Parameters_and_replica_counts_from_the_command_line_reach_the_model()
    {
        var builder = LabAppHost.CreateBuilder(["--state-dir", _state, "--port", "0", "--workers", "3", "--lab-api-key", "given-key"]);

        Assert.Equal(3, builder.AddReplicaCount("workers", defaultValue: 2));
        Assert.Equal("given-key", builder.Configuration["Parameters:lab-api-key"]);
        Assert.Equal("true", builder.Configuration["ASPIRE_ALLOW_UNSECURED_TRANSPORT"]);
        Assert.Equal(LabAppHost.DefaultDashboardUrl, builder.Configuration["ASPNETCORE_URLS"]);
    }
}
