// CPU seconds spent by the CostApi process, the PostgreSQL cluster (postmaster, live backends and reaped ones) and
// this benchmark, read from /proc so a phase's figure says who did the work on the shared cores.
using System.Diagnostics;
using System.Globalization;

namespace Lab.CostApi.Bench;

public sealed record CpuSample(double CostApi, double Postgres, double Bench)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static CpuSample Take(int costApiPid, int postmasterPid)
    {
        var postgres = Ticks(postmasterPid, withChildren: true);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && pid != postmasterPid && ParentOf(pid) == postmasterPid)
                postgres += Ticks(pid, withChildren: false);
        }
        return new CpuSample(Ticks(costApiPid, false) / TicksPerSecond, postgres / TicksPerSecond,
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
    }

    public string Since(CpuSample start, double wallSeconds)
    {
        var (api, pg, bench) = (CostApi - start.CostApi, Postgres - start.Postgres, Bench - start.Bench);
        return string.Create(CultureInfo.InvariantCulture,
            $"seconds: CostApi {api:0.0}, PostgreSQL {pg:0.0}, bench client {bench:0.0} = {api + pg + bench:0.0} of {2 * wallSeconds:0.0} available on 2 cores");
    }

    private static string[]? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static int ParentOf(int pid) => Fields(pid) is { } f ? int.Parse(f[1], CultureInfo.InvariantCulture) : -1;

    private static long Ticks(int pid, bool withChildren)
    {
        if (Fields(pid) is not { } f) return 0;
        // After the comm field: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
        long Field(int i) => long.Parse(f[i], CultureInfo.InvariantCulture);
        return Field(11) + Field(12) + (withChildren ? Field(13) + Field(14) : 0);
    }
}
