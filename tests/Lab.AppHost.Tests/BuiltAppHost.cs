// The AppHost as a user runs it: `dotnet Lab.AppHost.dll ...` from its own build output, as a child process.
using System.Diagnostics;

namespace Lab.AppHost.Tests;

public static class BuiltAppHost
{
    /// <summary>Lab.AppHost.dll built in the same configuration and framework as these tests (…/bin/Debug/net10.0/).</summary>
    public static string AssemblyPath
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            // An AppHost's generated metadata names its project folder (a project resource's names the .csproj).
            var project = Projects.Lab_AppHost.ProjectPath is var path && path.EndsWith(".csproj", StringComparison.Ordinal) ? Path.GetDirectoryName(path)! : path;
            return Path.Combine(project, "bin", output.Parent!.Name, output.Name, "Lab.AppHost.dll");
        }
    }

    /// <summary>Runs the AppHost with <paramref name="args"/> to its exit; one that has not exited in a minute is killed.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var ct = TestContext.Current.CancellationToken;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(AssemblyPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromMinutes(1), ct);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The AppHost did not exit within a minute: {string.Join(' ', args)}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
