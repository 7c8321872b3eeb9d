// Turns StackExchange.Redis profiling sessions into client spans, since no Redis instrumentation package is served.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis.Profiling;

namespace Lab.ServiceDefaults.Redis;

/// <summary>
/// Gives each traced operation (the current Activity) its own profiling session, then, once that activity has
/// stopped, replays the commands it issued as child spans with their real start times and durations.
/// </summary>
public sealed class RedisCommandTracer : BackgroundService
{
    public const string ActivitySourceName = "Lab.Redis";
    private static readonly ActivitySource Source = new(ActivitySourceName);
    private readonly ConcurrentDictionary<Activity, ProfilingSession> _sessions = new();

    public ProfilingSession? GetSession()
    {
        var activity = Activity.Current;
        if (activity is null || !activity.Recorded || !Source.HasListeners())
        {
            return null;
        }
        return _sessions.GetOrAdd(activity, static _ => new ProfilingSession());
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Flush(onlyStopped: true);
            }
        }
        catch (OperationCanceledException)
        {
        }
        Flush(onlyStopped: false);
    }

    /// <summary>Emits spans for every finished parent activity; exposed so tests and shutdown can force it.</summary>
    public void Flush(bool onlyStopped)
    {
        foreach (var (parent, session) in _sessions)
        {
            if (onlyStopped && !parent.IsStopped)
            {
                continue;
            }
            if (!_sessions.TryRemove(parent, out _))
            {
                continue;
            }
            foreach (var command in session.FinishProfiling())
            {
                Emit(parent, command);
            }
        }
    }

    private static void Emit(Activity parent, IProfiledCommand command)
    {
        var start = new DateTimeOffset(command.CommandCreated.ToUniversalTime());
        var tags = new ActivityTagsCollection
        {
            ["db.system.name"] = "redis",
            ["db.operation.name"] = command.Command,
            ["db.namespace"] = command.Db.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (command.EndPoint is IPEndPoint ip)
        {
            tags["server.address"] = ip.Address.ToString();
            tags["server.port"] = ip.Port;
        }
        else if (command.EndPoint is DnsEndPoint dns)
        {
            tags["server.address"] = dns.Host;
            tags["server.port"] = dns.Port;
        }
        using var activity = Source.StartActivity(command.Command, ActivityKind.Client, parent.Context, tags, startTime: start);
        if (activity is null)
        {
            return;
        }
        activity.SetEndTime(start.Add(command.ElapsedTime).UtcDateTime);
    }
}
