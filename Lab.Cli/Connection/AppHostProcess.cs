// Whether the AppHost that wrote apphost.json still runs: a SIGKILLed one leaves the file behind, naming dead URLs.
using System.Diagnostics;

namespace Lab.Cli.Connection;

public static class AppHostProcess
{
    /// <summary>
    /// True when process <paramref name="pid"/> runs and is not younger than <paramref name="startedAt"/> (when the
    /// AppHost wrote the file), so a later process that was given the same id does not count.
    /// </summary>
    public static bool IsRunning(int pid, DateTimeOffset startedAt)
    {
        if (pid <= 0)
        {
            return false;
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            // A killed process whose parent has not reaped it yet is a zombie: gone, though its id still resolves.
            if (OperatingSystem.IsLinux() && IsZombie(pid))
            {
                return false;
            }
            // /proc's start times are estimates from the boot time; a second of slack keeps the AppHost itself in.
            return process.StartTime.ToUniversalTime() <= startedAt.UtcDateTime + TimeSpan.FromSeconds(1);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            // The state is the first field after the command name, which is in parentheses and may hold spaces.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault();
            return state is 'Z' or 'X';
        }
        catch (IOException)
        {
            return true;
        }
    }
}
