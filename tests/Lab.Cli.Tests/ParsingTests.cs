// Bad input: usage errors exit 2 with the valid values named, failures exit 1 with what to do next, never a stack trace.
namespace Lab.Cli.Tests;

public sealed class ParsingTests
{
    [Fact]
    public async Task Run_without_case_and_profile_names_the_missing_options()
    {
        var result = await CliHarness.RunAsync(["run", "--experiment", "cost"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--case", result.Error);
        Assert.Contains("--profile", result.Error);
        Assert.Contains("experiment run --help", result.Error);
    }

    [Fact]
    public async Task Export_with_an_unknown_format_names_json_and_csv()
    {
        var result = await CliHarness.RunAsync(["export", "cost", "--format", "xml"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("json", result.Error);
        Assert.Contains("csv", result.Error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public async Task A_scale_that_is_not_positive_is_a_usage_error(string scale)
    {
        var result = await CliHarness.RunAsync(["run", "-e", "cost", "-c", "x", "-p", "y", "--scale", scale]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--scale must be above 0", result.FlatError);
    }

    [Fact]
    public async Task An_api_that_is_not_a_url_is_a_usage_error()
    {
        var result = await CliHarness.RunAsync(["list", "--api", "orchestrator"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--api expects an http(s) URL", result.FlatError);
    }

    [Theory]
    [InlineData("list")]
    [InlineData("show", "cost")]
    [InlineData("export", "cost")]
    [InlineData("status")]
    public async Task Without_a_lab_every_command_says_how_to_start_it(params string[] args)
    {
        var result = await CliHarness.RunAsync(args);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("The lab is not running", result.FlatError);
        Assert.Contains("./scripts/lab", result.FlatError);
        Assert.Contains("./scripts/experiment demo", result.FlatError);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task A_lab_address_where_nothing_listens_says_how_to_start_it()
    {
        var port = Lab.Testing.Processes.FreePort.Next();
        var result = await CliHarness.RunAsync(["list", "--api", $"http://127.0.0.1:{port}"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"nothing answered at http://127.0.0.1:{port}/", result.FlatError);
        Assert.Contains("./scripts/lab", result.FlatError);
    }

    [Fact]
    public async Task Errors_in_json_mode_are_json_on_stderr_and_stdout_stays_empty()
    {
        var result = await CliHarness.RunAsync(["list", "--json"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        using var error = System.Text.Json.JsonDocument.Parse(result.Error);
        Assert.Equal(1, error.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Contains("./scripts/lab", error.RootElement.GetProperty("hint").GetString());
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        var result = await CliHarness.RunAsync(["--help"]);

        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "list", "show", "run", "matrix", "whatif", "plan", "export", "status", "demo" })
        {
            Assert.Contains(command, result.Out);
        }
    }
}
