// A child process that dies with its parent, with its output captured line by line.
using System.Diagnostics;

namespace Lab.Testing.Processes;

/// <summary>
/// Starts a program so that it can never outlive this process: on Linux it is wrapped in util-linux
/// <c>setpriv --pdeathsig KILL</c>, so even a SIGKILL of the test host takes its children with it.
/// </summary>
public sealed class NativeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NativeProcess(Process process) => _process = process;

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public Task Exited { get; private init; } = Task.CompletedTask;

    public static NativeProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        Action<string, bool> onOutput,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };

        var setpriv = OperatingSystem.IsLinux() ? FindOnPath("setpriv") : null;
        // Its own session: a terminal's Ctrl+C reaches only the test host, which then stops its children itself.
        // setsid execs in place (we are not a group leader), so the process stays our direct child and pdeathsig
        // still ties it to us.
        var setsid = setpriv is not null ? FindOnPath("setsid") : null;
        if (setpriv is not null)
        {
            info.FileName = setsid ?? setpriv;
            if (setsid is not null)
            {
                info.ArgumentList.Add(setpriv);
            }
            info.ArgumentList.Add("--pdeathsig=KILL");
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(fileName);
        }
        else
        {
            info.FileName = fileName;
        }
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { onOutput(e.Data, false); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { onOutput(e.Data, true); } };
        process.Exited += (_, _) => exited.TrySetResult();
        // pdeathsig fires when the *thread* that forked the child ends, and thread-pool threads retire when idle:
        // a child started from one is SIGKILLed minutes later. So every child is forked from one thread that lives
        // as long as we do.
        SpawnThread.Shared.Invoke(() => process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new NativeProcess(process) { Exited = exited.Task };
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists);

    /// <summary>SIGTERM first (a clean shutdown), then SIGKILL of the whole tree after the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }
        try
        {
            Signals.Terminate(_process.Id);
            await Exited.WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            await Exited.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }
}

internal static class Signals
{
    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    public static void Terminate(int pid)
    {
        if (OperatingSystem.IsWindows())
        {
            Process.GetProcessById(pid).Kill();
            return;
        }
        Kill(pid, SigTerm);
    }
}
