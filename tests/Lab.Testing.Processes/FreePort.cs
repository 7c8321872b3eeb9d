// Free TCP ports on the loopback interface for child processes, and a clear error when a requested one is taken.
//
// A port handed to a child is only free until the child binds it, a second or more later. Two things can take it in
// between, and both happened in CI (a load worker aborting in Kestrel's AddressBinder):
//  - any outbound connection on the machine: the kernel picks its local port from ip_local_port_range, the same range
//    a bind to port 0 draws from. Ports here come from below (or above) that range, where the kernel never looks.
//  - another test fixture or AppHost choosing at the same moment: each port chosen is reserved with an exclusive lock
//    on a file named after it in a machine-wide folder, held until the reservation is disposed or the process ends
//    (the kernel drops the lock of a dead process, so nothing is ever left reserved by a crash).
using System.Net;
using System.Net.Sockets;

namespace Lab.Testing.Processes;

public static class FreePort
{
    internal static readonly Lazy<PortRange> Range = new(() => PortRange.OutsideEphemeral(ReadEphemeralRange()));
    internal static readonly Lazy<string?> LockDirectory = new(CreateLockDirectory);
    private static readonly PortReservations HeldForProcess = new();

    /// <summary>A free port reserved for the rest of this process's life (for fixtures and one-off children).</summary>
    public static int Next() => HeldForProcess.Next();

    /// <summary>A free port outside the kernel's ephemeral range, reserved against every other caller until disposed.</summary>
    internal static PortReservation Reserve()
    {
        var range = Range.Value;
        if (range.Count == 0)
        {
            // No room outside the ephemeral range (it was widened to nearly all ports): let the kernel choose, and still
            // reserve what it chose against other AppHosts.
            for (var attempt = 0; attempt < 100; attempt++)
            {
                if (TryReserve(KernelChosenPort()) is { } chosen)
                {
                    return chosen;
                }
            }
            throw new InvalidOperationException("The kernel offered no loopback port that another AppHost had not reserved.");
        }
        var start = Random.Shared.Next(range.Count);
        for (var i = 0; i < range.Count; i++)
        {
            var port = range.First + (start + i) % range.Count;
            if (TryReserve(port) is { } reservation)
            {
                return reservation;
            }
        }
        throw new InvalidOperationException(
            $"No free loopback port in {range.First}-{range.First + range.Count - 1} (the ports below the kernel's ephemeral range).");
    }

    /// <summary>The port reserved when no one else holds it and it can be bound on 127.0.0.1; otherwise null.</summary>
    internal static PortReservation? TryReserve(int port)
    {
        FileStream? held = null;
        if (LockDirectory.Value is { } directory)
        {
            try
            {
                // FileShare.None takes flock(LOCK_EX | LOCK_NB) on Unix: fails at once while another holder has it.
                held = new FileStream(Path.Combine(directory, $"{port}.lock"), FileMode.OpenOrCreate, FileAccess.Read, FileShare.None);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
        if (!IsFree(port))
        {
            held?.Dispose();
            return null;
        }
        return new PortReservation(port, held);
    }

    /// <summary>True when nothing listens on 127.0.0.1:<paramref name="port"/> right now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Polls until something accepts connections on 127.0.0.1:<paramref name="port"/>; false after <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitForListenerAsync(int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
        return false;
    }

    private static int KernelChosenPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static (int First, int Last) ReadEphemeralRange()
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return (int.Parse(parts[0]), int.Parse(parts[1]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (32768, 60999); // Linux's default
        }
    }

    /// <summary>One folder for every user and process on the machine (sticky, like /tmp); null when it cannot be used.</summary>
    private static string? CreateLockDirectory()
    {
        // The folder Lab.Hosting's copy used too, so the two keep out of each other's way while both exist.
        var path = Path.Combine(Path.GetTempPath(), "lab-hosting-ports");
        try
        {
            if (!Directory.Exists(path))
            {
                Directory.CreateDirectory(path);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                        | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.StickyBit);
                }
            }
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>A port held for one user until disposed; disposing after the child has bound it is safe.</summary>
internal sealed class PortReservation(int port, FileStream? held) : IDisposable
{
    public int Port { get; } = port;

    public void Dispose() => held?.Dispose();
}

/// <summary>Ports reserved one by one and all released together (a process's).</summary>
internal sealed class PortReservations : IDisposable
{
    private readonly List<PortReservation> _held = [];

    public int Next()
    {
        var reservation = FreePort.Reserve();
        lock (_held)
        {
            _held.Add(reservation);
        }
        return reservation.Port;
    }

    public void Dispose()
    {
        lock (_held)
        {
            _held.ForEach(r => r.Dispose());
            _held.Clear();
        }
    }
}

/// <summary>Ports to choose from: those the kernel never hands to outbound connections or to a bind to port 0.</summary>
internal readonly record struct PortRange(int First, int Count)
{
    private const int Lowest = 10000;   // clear of the well-known and most registered service ports
    private const int Enough = 1000;

    public static PortRange OutsideEphemeral((int First, int Last) ephemeral)
    {
        if (ephemeral.First - Lowest >= Enough)
        {
            return new PortRange(Lowest, ephemeral.First - Lowest);
        }
        if (ushort.MaxValue - ephemeral.Last >= Enough)
        {
            return new PortRange(ephemeral.Last + 1, ushort.MaxValue - ephemeral.Last);
        }
        return new PortRange(0, 0);
    }
}
