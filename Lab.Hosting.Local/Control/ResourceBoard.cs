// Aspire's resource snapshots and console logs, grouped per declared resource as the control plane's contract shows them.
using System.Collections.Concurrent;
using System.Globalization;
using Lab.Contracts.ControlPlane;
using Microsoft.Extensions.Logging;

namespace Lab.Hosting.Local.Control;

internal sealed class ResourceBoard(ResourceNotificationService notifications, ResourceLoggerService logs, TimeProvider time, ILogger<ResourceBoard> logger)
{
    private const int KeptLines = 2000;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, CustomResourceSnapshot>> _instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IResource> _resources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LogBuffer> _logs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _watchedLogs = new(StringComparer.Ordinal);

    /// <summary>Raised when a resource's endpoints appear or change, so apphost.json can be rewritten.</summary>
    public event Action? EndpointsChanged;

    public async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken))
            {
                if (update.Resource is ParameterResource || update.Snapshot.IsHidden)
                {
                    continue;
                }
                _resources[update.Resource.Name] = update.Resource;
                var instances = _instances.GetOrAdd(update.Resource.Name, _ => new(StringComparer.Ordinal));
                var before = instances.TryGetValue(update.ResourceId, out var previous) ? Urls(previous) : "";
                instances[update.ResourceId] = update.Snapshot;
                if (_watchedLogs.TryAdd(update.ResourceId, true))
                {
                    _ = CollectLogsAsync(update.Resource.Name, update.ResourceId, cancellationToken);
                }
                if (before != Urls(update.Snapshot))
                {
                    EndpointsChanged?.Invoke();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task CollectLogsAsync(string resource, string instance, CancellationToken cancellationToken)
    {
        var buffer = _logs.GetOrAdd(resource, _ => new LogBuffer(KeptLines));
        try
        {
            await foreach (var batch in logs.WatchAsync(instance).WithCancellation(cancellationToken))
            {
                foreach (var line in batch)
                {
                    var (at, text) = SplitTimestamp(line.Content, time.GetUtcNow());
                    buffer.Add(at, instance, text, line.IsErrorMessage);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Stopped collecting the console log of {Instance}", instance);
        }
    }

    /// <summary>
    /// Aspire hands console lines with DCP's RFC 3339 timestamp in front ("2026-12-03T13:48:42.9546880Z text"); the
    /// contract carries the time and the text apart, so a tail prints what the service wrote.
    /// </summary>
    internal static (DateTimeOffset At, string Text) SplitTimestamp(string content, DateTimeOffset receivedAt)
    {
        var space = content.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && DateTimeOffset.TryParseExact(content.AsSpan(0, space), "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
                CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var at)
            ? (at, content[(space + 1)..])
            : (receivedAt, content);
    }

    public IReadOnlyList<ResourceView> Resources =>
        [.. _instances.Keys.Order(StringComparer.Ordinal).Select(name => Get(name)!)];

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Endpoints =>
        Resources.ToDictionary(r => r.Name, r => r.Endpoints, StringComparer.Ordinal);

    public ResourceView? Get(string name)
    {
        if (!_instances.TryGetValue(name, out var byId) || byId.IsEmpty)
        {
            return null;
        }
        var snapshots = byId.OrderBy(i => i.Key, StringComparer.Ordinal).ToList();
        var instances = snapshots.Select(s => ToInstance(s.Key, s.Value)).ToList();
        var first = snapshots[0].Value;
        var state = Combine(instances.Select(i => i.State));
        var health = instances.All(i => i.Health == ResourceHealth.Healthy) ? ResourceHealth.Healthy
            : instances.Any(i => i.Health == ResourceHealth.Unhealthy) ? ResourceHealth.Unhealthy : ResourceHealth.Unknown;
        var endpoints = snapshots.SelectMany(s => s.Value.Urls).Where(u => !u.IsInactive).Select(u => u.Url).Distinct(StringComparer.Ordinal).ToList();
        return new ResourceView(name, first.ResourceType, state, health, instances.Count, endpoints,
            instances.FirstOrDefault(i => i.Pid is not null)?.Pid, instances, Message(name, state, instances));
    }

    public IReadOnlyList<ResourceLogLine> Lines(string name, long after, int last) =>
        _logs.TryGetValue(name, out var buffer) ? buffer.After(after, last) : [];

    private static ResourceInstanceView ToInstance(string id, CustomResourceSnapshot s)
    {
        var state = StateOf(s.State?.Text);
        var health = s.HealthStatus switch
        {
            Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy => ResourceHealth.Healthy,
            null when state == ResourceState.Running && s.HealthReports.IsEmpty => ResourceHealth.Healthy,
            null => ResourceHealth.Unknown,
            _ => ResourceHealth.Unhealthy,
        };
        var pid = s.Properties.FirstOrDefault(p => p.Name.EndsWith(".pid", StringComparison.Ordinal))?.Value switch
        {
            int value => value,
            long value => (int)value,
            string text when int.TryParse(text, out var parsed) => parsed,
            _ => (int?)null,
        };
        var environment = s.EnvironmentVariables.Where(e => e.IsFromSpec && e.Value is not null)
            .GroupBy(e => e.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value!, StringComparer.Ordinal);
        return new ResourceInstanceView(id, state == ResourceState.Running && health == ResourceHealth.Unhealthy ? ResourceState.Unhealthy : state,
            health, pid, s.Urls.FirstOrDefault(u => !u.IsInactive)?.Url, s.ExitCode, SecretMasking.Mask(environment));
    }

    /// <summary>Aspire's state texts in the contract's words.</summary>
    private static ResourceState StateOf(string? text) => text switch
    {
        "Running" or "Active" => ResourceState.Running,
        "Starting" or "Building" or "Stopping" => ResourceState.Starting,
        "Waiting" => ResourceState.Waiting,
        "FailedToStart" or "RuntimeUnhealthy" or "ValueMissing" => ResourceState.FailedToStart,
        "Exited" or "Finished" => ResourceState.Exited,
        _ => ResourceState.NotStarted,
    };

    private static ResourceState Combine(IEnumerable<ResourceState> states)
    {
        var all = states.ToList();
        return all.Contains(ResourceState.FailedToStart) ? ResourceState.FailedToStart
            : all.Contains(ResourceState.Exited) ? ResourceState.Exited
            : all.Contains(ResourceState.Unhealthy) ? ResourceState.Unhealthy
            : all.All(s => s == ResourceState.Running) ? ResourceState.Running
            : all.Contains(ResourceState.Starting) ? ResourceState.Starting
            : all.Contains(ResourceState.Waiting) ? ResourceState.Waiting
            : ResourceState.NotStarted;
    }

    /// <summary>Why a resource stopped or never started: its exit codes and its last lines.</summary>
    private string? Message(string name, ResourceState state, IReadOnlyList<ResourceInstanceView> instances)
    {
        if (state is not (ResourceState.Exited or ResourceState.FailedToStart))
        {
            return null;
        }
        var codes = string.Join(", ", instances.Where(i => i.ExitCode is not null).Select(i => $"{i.Name} exited with {i.ExitCode}"));
        var tail = Lines(name, 0, 10).Select(l => l.Text);
        return string.Join(Environment.NewLine, new[] { codes.Length > 0 ? codes : $"{name}: {state}" }.Concat(tail));
    }

    /// <summary>The URLs apphost.json lists: Aspire shows a URL inactive until its resource runs, and a change either way rewrites the file.</summary>
    private static string Urls(CustomResourceSnapshot s) => string.Join(' ', s.Urls.Where(u => !u.IsInactive).Select(u => u.Url));

    /// <summary>The newest lines of a resource across its replicas, numbered from 1 in arrival order.</summary>
    private sealed class LogBuffer(int capacity)
    {
        private readonly Lock _lock = new();
        private readonly Queue<ResourceLogLine> _lines = new();
        private long _sequence;

        public void Add(DateTimeOffset at, string instance, string text, bool isError)
        {
            lock (_lock)
            {
                _lines.Enqueue(new ResourceLogLine(++_sequence, at, instance, text, isError));
                if (_lines.Count > capacity)
                {
                    _lines.Dequeue();
                }
            }
        }

        public IReadOnlyList<ResourceLogLine> After(long after, int last)
        {
            lock (_lock)
            {
                return [.. _lines.Where(l => l.Sequence > after).TakeLast(Math.Max(0, last))];
            }
        }
    }
}
