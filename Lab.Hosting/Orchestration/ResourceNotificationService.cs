// Resource states and health as they change, with waits on them (Aspire's ResourceNotificationService).
using System.Threading.Channels;
using Lab.Contracts.ControlPlane;

namespace Lab.Hosting;

/// <summary>One replica of a resource (servers have one); Environment is what its process was started with.</summary>
public sealed record ResourceInstanceSnapshot(string Name, ResourceState State, ResourceHealth Health, int? Pid, string? Endpoint, int? ExitCode,
    IReadOnlyDictionary<string, string>? Environment = null);

public sealed record ResourceSnapshot(
    string Name,
    string Type,
    ResourceState State,
    ResourceHealth Health,
    IReadOnlyList<string> Endpoints,
    IReadOnlyList<ResourceInstanceSnapshot> Instances,
    string? Message = null)
{
    public int Replicas => Instances.Count;

    /// <summary>Running and healthy: what WaitFor waits for.</summary>
    public bool IsReady => State == ResourceState.Running && Health == ResourceHealth.Healthy;

    public bool IsTerminal => State is ResourceState.Exited or ResourceState.FailedToStart;
}

public sealed class ResourceNotificationService
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ResourceSnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly List<Channel<ResourceSnapshot>> _watchers = [];
    private readonly List<(Func<ResourceSnapshot, bool> Predicate, string Name, TaskCompletionSource<ResourceSnapshot> Done)> _waiters = [];

    public IReadOnlyList<ResourceSnapshot> Snapshots
    {
        get { lock (_lock) { return [.. _order.Select(n => _snapshots[n])]; } }
    }

    public ResourceSnapshot? Get(string name)
    {
        lock (_lock)
        {
            return _snapshots.GetValueOrDefault(name);
        }
    }

    public void Publish(ResourceSnapshot snapshot)
    {
        List<TaskCompletionSource<ResourceSnapshot>> completed = [];
        Channel<ResourceSnapshot>[] watchers;
        lock (_lock)
        {
            if (!_snapshots.ContainsKey(snapshot.Name))
            {
                _order.Add(snapshot.Name);
            }
            else if (_snapshots[snapshot.Name] == snapshot)
            {
                return;
            }
            _snapshots[snapshot.Name] = snapshot;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Name == snapshot.Name && _waiters[i].Predicate(snapshot))
                {
                    completed.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
            watchers = [.. _watchers];
        }
        foreach (var done in completed)
        {
            done.TrySetResult(snapshot);
        }
        foreach (var watcher in watchers)
        {
            watcher.Writer.TryWrite(snapshot);
        }
    }

    /// <summary>Every change from now on (the current snapshots first).</summary>
    public async IAsyncEnumerable<ResourceSnapshot> WatchAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<ResourceSnapshot>();
        lock (_lock)
        {
            foreach (var name in _order)
            {
                channel.Writer.TryWrite(_snapshots[name]);
            }
            _watchers.Add(channel);
        }
        try
        {
            await foreach (var snapshot in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return snapshot;
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(channel);
            }
        }
    }

    public Task<ResourceSnapshot> WaitForResourceAsync(string name, ResourceState state, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(name, s => s.State == state, cancellationToken);

    public Task<ResourceSnapshot> WaitForResourceAsync(string name, Func<ResourceSnapshot, bool> predicate, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<ResourceSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (!_snapshots.TryGetValue(name, out var current))
            {
                throw new DistributedApplicationException($"There is no resource named '{name}'. Resources: {string.Join(", ", _order)}.");
            }
            if (predicate(current))
            {
                return Task.FromResult(current);
            }
            _waiters.Add((predicate, name, done));
        }
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Waits until the resource is Running and healthy; fails as soon as it has Exited or FailedToStart.</summary>
    public async Task<ResourceSnapshot> WaitForResourceHealthyAsync(string name, CancellationToken cancellationToken = default)
    {
        var snapshot = await WaitForResourceAsync(name, s => s.IsReady || s.IsTerminal, cancellationToken);
        return snapshot.IsReady
            ? snapshot
            : throw new DistributedApplicationException($"Resource '{name}' is {snapshot.State} and will not become healthy. {snapshot.Message}");
    }

    internal void CompleteWatchers()
    {
        lock (_lock)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryComplete();
            }
        }
    }
}
