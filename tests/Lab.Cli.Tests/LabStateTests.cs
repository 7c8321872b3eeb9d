// Finding the lab: .lab/apphost.json as the AppHost writes it, the key from parameters.json, options and LAB_API_KEY first.
using Lab.Cli.Connection;

namespace Lab.Cli.Tests;

public sealed class LabStateTests
{
    /// <summary>The state of a running AppHost: this test process stands in for it, so the file is not stale.</summary>
    private static string WriteState(string root, string? parameters = """{ "lab-api-key": "k3y-from-state", "postgres-password": "pw" }""")
    {
        var state = Path.Combine(root, ".lab");
        Directory.CreateDirectory(state);
        File.WriteAllText(Path.Combine(state, "apphost.json"), $$"""
            {
              "controlUrl": "http://127.0.0.1:18888/",
              "pid": {{Environment.ProcessId}},
              "startedAt": "{{DateTimeOffset.UtcNow:O}}",
              "stateDirectory": "{{state}}",
              "endpoints": {
                "orchestrator": [ "http://127.0.0.1:5101" ],
                "costapi": [ "https://127.0.0.1:7102", "http://127.0.0.1:5102" ],
                "loadworker": [ "http://127.0.0.1:5103", "http://127.0.0.1:5104" ]
              },
              "dashboardUrl": "http://127.0.0.1:18889/login?t=0123abcd"
            }
            """);
        if (parameters is not null)
        {
            File.WriteAllText(Path.Combine(state, "parameters.json"), parameters);
        }
        return state;
    }

    [Fact]
    public void Reads_the_apphost_file_from_a_subdirectory_of_the_repository()
    {
        var root = CliHarness.EmptyDirectory();
        var state = WriteState(root);
        var nested = Directory.CreateDirectory(Path.Combine(root, "Lab.Cli", "bin")).FullName;

        var address = LabState.Resolve(new LabOverrides(null, null, null, null), nested, _ => null);

        Assert.Equal(state, address.StateDirectory);
        Assert.Equal(new Uri("http://127.0.0.1:18888/"), address.Control);
        Assert.Equal(new Uri("http://127.0.0.1:5101"), address.Orchestrator);
        Assert.Equal(new Uri("http://127.0.0.1:5102"), address.CostApi);
        Assert.Equal(2, address.Endpoints["loadworker"].Count);
        Assert.Equal("k3y-from-state", address.ApiKey);
        Assert.Equal("http://127.0.0.1:18889/login?t=0123abcd", address.Dashboard);
    }

    [Fact]
    public void Options_and_the_environment_win_over_the_state_folder()
    {
        var root = CliHarness.EmptyDirectory();
        WriteState(root);

        var fromEnvironment = LabState.Resolve(new LabOverrides(null, null, null, null), root,
            name => name == LabState.ApiKeyEnvironmentVariable ? "k3y-from-env" : null);
        var fromOptions = LabState.Resolve(new LabOverrides(new Uri("http://10.0.0.1:80"), null, null, "k3y-from-option"), root,
            name => name == LabState.ApiKeyEnvironmentVariable ? "k3y-from-env" : null);

        Assert.Equal("k3y-from-env", fromEnvironment.ApiKey);
        Assert.Equal("k3y-from-option", fromOptions.ApiKey);
        Assert.Equal(new Uri("http://10.0.0.1:80"), fromOptions.Orchestrator);
        Assert.Equal(new Uri("http://127.0.0.1:5102"), fromOptions.CostApi);
    }

    [Fact]
    public void Without_a_state_folder_nothing_is_known()
    {
        var address = LabState.Resolve(new LabOverrides(null, null, null, null), CliHarness.EmptyDirectory(), _ => null);

        Assert.Null(address.StateDirectory);
        Assert.Null(address.Orchestrator);
        Assert.Null(address.ApiKey);
    }

    [Fact]
    public void Without_parameters_there_is_no_key()
    {
        var root = CliHarness.EmptyDirectory();
        WriteState(root, parameters: null);

        Assert.Null(LabState.Resolve(new LabOverrides(null, null, null, null), root, _ => null).ApiKey);
    }
}
