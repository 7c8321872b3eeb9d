// Starts the AppHost in the background through the repository's bootstrap, detached so it outlives the CLI.
using System.Diagnostics;

namespace Lab.Cli.Connection;

public interface ILabLauncher
{
    Task<LaunchedLab> StartAsync(string repositoryRoot, CancellationToken cancellationToken);
}

public sealed record LaunchedLab(int ProcessId, string LogFile, Func<bool> HasExited);

public sealed class BackgroundAppHost : ILabLauncher
{
    public Task<LaunchedLab> StartAsync(string repositoryRoot, CancellationToken cancellationToken)
    {
        var stateDirectory = Path.Combine(repositoryRoot, LabState.StateFolder);
        Directory.CreateDirectory(stateDirectory);
        var log = Path.Combine(stateDirectory, "apphost.log");
        // scripts/lab is the lab's one way up (bootstrap, build, AppHost); setsid keeps Ctrl+C here from reaching it.
        var script = """
            exec >"$1" 2>&1 </dev/null
            if [ -x scripts/lab ]; then exec scripts/lab; fi
            source scripts/bootstrap.sh
            lab_need_packages && lab_need_dotnet && exec dotnet run --project Lab.AppHost
            """;
        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = repositoryRoot,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "bash", "-c", script, "lab", log })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new CliError("Could not start the AppHost (setsid bash scripts/lab).");
        return Task.FromResult(new LaunchedLab(process.Id, log, () => process.HasExited));
    }
}
