namespace Lab.Hosting.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Host_options_and_parameters_are_parsed()
    {
        var options = DistributedApplicationOptions.Parse(["--port", "0", "--fresh", "--workers=4", "--publisher", "manifest", "--output-path", "m.json"]);

        Assert.Empty(options.Errors);
        Assert.Equal(0, options.ControlPort);
        Assert.True(options.Fresh);
        Assert.Equal("manifest", options.Publisher);
        Assert.Equal("4", options.ParameterArguments["workers"]);
    }

    [Fact]
    public async Task An_unknown_option_fails_with_exit_code_2_and_lists_the_valid_ones()
    {
        var builder = DistributedApplication.CreateBuilder(["--wrokers", "4"]);
        builder.AddParameter("workers", "2");
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(2, error.ExitCode);
        Assert.Contains("Unknown option '--wrokers'", error.Message);
        foreach (var valid in new[] { "--port", "--state-dir", "--fresh", "--publisher", "--output-path", "--otlp-endpoint", "--bin-path", "--workers" })
        {
            Assert.Contains(valid, error.Message);
        }
    }

    [Theory]
    [InlineData(new[] { "--wrokers" }, "Unknown option '--wrokers'.")]
    [InlineData(new[] { "--wrokers", "--fresh" }, "Unknown option '--wrokers'.")]
    [InlineData(new[] { "--workers" }, "Option '--workers' needs a value.")]
    [InlineData(new[] { "--port" }, "Option '--port' needs a value.")]
    public async Task An_option_without_a_value_is_unknown_or_missing_its_value(string[] args, string expected)
    {
        var builder = DistributedApplication.CreateBuilder(args);
        builder.AddParameter("workers", "2");
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(2, error.ExitCode);
        var first = error.Message.Split(Environment.NewLine)[0];
        Assert.Equal(expected, first);
    }

    [Fact]
    public void A_bad_port_value_is_reported()
    {
        var options = DistributedApplicationOptions.Parse(["--port", "http"]);

        Assert.Contains(options.Errors, e => e.Contains("--port", StringComparison.Ordinal) && e.Contains("'http'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_parameter_comes_from_the_command_line_before_its_default()
    {
        var builder = DistributedApplication.CreateBuilder(["--workers", "5"]);

        var workers = builder.AddParameter("workers", "2");

        Assert.Equal("5", workers.Resource.Value);
        Assert.Equal(5, builder.AddProject("w", new ProjectStub()).WithReplicas(workers).Resource.Replicas);
    }

    [Fact]
    public void Replicas_from_a_parameter_must_be_a_whole_number()
    {
        var builder = DistributedApplication.CreateBuilder(["--workers", "many"]);
        var workers = builder.AddParameter("workers", "2");

        var error = Assert.Throws<DistributedApplicationException>(() => builder.AddProject("w", new ProjectStub()).WithReplicas(workers));

        Assert.Equal(2, error.ExitCode);
        Assert.Contains("'many'", error.Message);
    }

    [Fact]
    public async Task An_unknown_publisher_lists_the_valid_ones()
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "helm3000", "--output-path", Path.GetTempFileName()]);
        await using var app = builder.Build();
        var error = Assert.Throws<DistributedApplicationException>(() => Publishing.Publishers.Create(app.Options.Publisher!));

        Assert.Equal(2, error.ExitCode);
        Assert.Contains("helm3000", error.Message);
        Assert.Contains("manifest", error.Message);
    }

    private sealed class ProjectStub : IProjectMetadata
    {
        public string ProjectPath => "/src/W/W.csproj";
        public string AssemblyPath => "/src/W/bin/W.dll";
    }
}
