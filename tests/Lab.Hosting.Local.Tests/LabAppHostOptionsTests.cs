// The lab AppHost's command line: what a typo, a missing value or a bad number tells the user, before anything starts.
using Lab.Hosting.Local.AppHost;

namespace Lab.Hosting.Local.Tests;

public sealed class LabAppHostOptionsTests
{
    [Fact]
    public void Host_options_flags_and_parameters_are_told_apart()
    {
        var options = LabAppHostOptions.Parse(["--port", "0", "--fresh", "--state-dir", "/tmp/x", "--lab-api-key=k", "--workers", "4", "--no-dashboard"]);

        Assert.Empty(options.Errors);
        Assert.Equal(0, options.ControlPort);
        Assert.True(options.Fresh);
        Assert.True(options.NoDashboard);
        Assert.Equal("/tmp/x", options.StateDirectory);
        Assert.Equal(new Dictionary<string, string> { ["lab-api-key"] = "k", ["workers"] = "4" }, options.ParameterArguments);
        Assert.Empty(options.Validate(["lab-api-key", "workers"]));
    }

    [Theory]
    [InlineData(new[] { "--port", "http" }, "--port must be a port number 0-65535, not 'http'.")]
    [InlineData(new[] { "--port", "70000" }, "--port must be a port number 0-65535, not '70000'.")]
    [InlineData(new[] { "--state-dir" }, "Option '--state-dir' needs a value.")]
    [InlineData(new[] { "--publisher", "helm", "--output-path", "out" }, "Unknown publisher 'helm'; use one of: kubernetes, manifest.")]
    [InlineData(new[] { "--publisher", "kubernetes" }, "--publisher needs --output-path <path>: where to write.")]
    [InlineData(new[] { "--otlp-endpoint", "collector:4317" }, "--otlp-endpoint must be an http(s) URL such as http://127.0.0.1:4317, not 'collector:4317'.")]
    [InlineData(new[] { "--fresh=yes" }, "Option '--fresh' takes no value (given 'yes').")]
    [InlineData(new[] { "workers" }, "Unexpected argument 'workers'.")]
    public void A_bad_host_option_says_what_is_wrong(string[] args, string error)
    {
        Assert.Equal([error], LabAppHostOptions.Parse(args).Validate([]));
    }

    [Fact]
    public void Unknown_names_are_only_errors_once_the_models_parameters_are_known()
    {
        var options = LabAppHostOptions.Parse(["--wrokers", "4", "--lab-api-key", "--other"]);

        Assert.Empty(options.Errors);
        Assert.Equal(["Unknown option '--wrokers'.", "Option '--lab-api-key' needs a value.", "Unknown option '--other'."],
            options.Validate(["lab-api-key", "workers"]));
    }

    [Fact]
    public void Usage_lists_every_host_option_and_the_models_parameters()
    {
        var usage = LabAppHostOptions.Usage(["workers", "lab-api-key"]);

        foreach (var (name, _, _) in LabAppHostOptions.HostOptions)
        {
            Assert.Contains(name, usage);
        }
        Assert.Contains(usage.Split(Environment.NewLine), line => line.StartsWith("  --lab-api-key ", StringComparison.Ordinal) && line.Contains("<value>  parameter 'lab-api-key'"));
        Assert.True(usage.IndexOf("--lab-api-key", StringComparison.Ordinal) < usage.IndexOf("--workers", StringComparison.Ordinal));
    }
}
