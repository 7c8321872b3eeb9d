// demo's choices that do not need a lab: the scale that keeps the matrix to a few minutes, and where it may run.
using Lab.Cli.Commands;

namespace Lab.Cli.Tests;

public sealed class DemoTests
{
    [Theory]
    [InlineData(new[] { 120.0, 120.0 }, 0.25)]
    [InlineData(new[] { 120.0, 600.0 }, 0.05)]
    [InlineData(new[] { 10.0 }, 1.0)]
    [InlineData(new[] { 1_000_000.0 }, 0.01)]
    public void The_default_scale_keeps_the_longest_case_near_30_seconds(double[] durations, double scale) =>
        Assert.Equal(scale, DemoCommand.DefaultScale(durations));

    [Fact]
    public async Task Outside_the_repository_demo_says_where_it_runs()
    {
        var result = await CliHarness.RunAsync(["demo"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("demo runs inside the lab's repository", result.FlatError);
    }
}
