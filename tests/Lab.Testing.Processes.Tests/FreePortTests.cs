using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Lab.Testing.Processes;

namespace Lab.Testing.Processes.Tests;

public sealed class FreePortTests
{
    [Theory]
    [InlineData(32768, 60999, 10000, 22768)]   // Linux default: everything from 10000 up to the range
    [InlineData(1024, 60999, 61000, 4536)]     // range widened downwards: the ports above it
    [InlineData(1024, 65000, 0, 0)]            // no room either side: the kernel chooses
    public void Ports_come_from_outside_the_ephemeral_range(int first, int last, int expectedFirst, int expectedCount)
    {
        Assert.Equal(new PortRange(expectedFirst, expectedCount), PortRange.OutsideEphemeral((first, last)));
    }

    [Fact]
    public void Reserved_ports_are_distinct_bindable_and_outside_the_kernels_range()
    {
        var range = FreePort.Range.Value;
        var reservations = Enumerable.Range(0, 200).Select(_ => FreePort.Reserve()).ToList();
        try
        {
            Assert.Equal(200, reservations.Select(r => r.Port).Distinct().Count());
            Assert.All(reservations, r => Assert.InRange(r.Port, range.First, range.First + range.Count - 1));
            using var listener = new TcpListener(IPAddress.Loopback, reservations[0].Port);
            listener.Start();
        }
        finally
        {
            reservations.ForEach(r => r.Dispose());
        }
    }

    [Fact]
    public void A_port_reserved_elsewhere_is_skipped_until_released()
    {
        using var first = FreePort.Reserve();
        Assert.Null(FreePort.TryReserve(first.Port));
        first.Dispose();
        using var again = FreePort.TryReserve(first.Port);
        Assert.NotNull(again);
    }

    [Fact]
    public void A_port_locked_by_another_process_is_skipped_and_freed_when_it_dies()
    {
        var directory = FreePort.LockDirectory.Value;
        Assert.NotNull(directory);
        int port;
        using (var probe = FreePort.Reserve())
        {
            port = probe.Port;
        }
        // util-linux flock(1) holds the same kind of lock .NET takes for FileShare.None, from another process.
        using var holder = Process.Start(new ProcessStartInfo("flock", [Path.Combine(directory, $"{port}.lock"), "sleep", "60"])
            { RedirectStandardOutput = true })!;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            PortReservation? taken;
            // Wait until the other process holds the lock (it starts a moment after Process.Start returns).
            while ((taken = FreePort.TryReserve(port)) is not null && DateTime.UtcNow < deadline)
            {
                taken.Dispose();
                Thread.Sleep(20);
            }
            Assert.Null(taken);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
        // The kernel drops the lock when the holder's last descriptor closes, a moment after it is killed.
        var until = DateTime.UtcNow.AddSeconds(10);
        PortReservation? after;
        while ((after = FreePort.TryReserve(port)) is null && DateTime.UtcNow < until)
        {
            Thread.Sleep(20);
        }
        using (after)
        {
            Assert.NotNull(after);
        }
    }

    [Fact]
    public void A_port_someone_listens_on_is_not_reserved()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Assert.Null(FreePort.TryReserve(((IPEndPoint)listener.LocalEndpoint).Port));
    }
}
