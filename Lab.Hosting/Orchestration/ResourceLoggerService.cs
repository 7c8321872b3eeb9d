// Each resource's log lines: kept in a bounded buffer (for the control API and the dashboard) and echoed to the console.
using Lab.Contracts.ControlPlane;

namespace Lab.Hosting;

public sealed class ResourceLoggerService(TimeProvider time, int capacityPerResource = 2000)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Buffer> _buffers = new(StringComparer.Ordinal);

    /// <summary>Called for every line as it arrives (the console writer).</summary>
    public event Action<string, ResourceLogLine>? LineWritten;

    public void Write(string resource, string instance, string text, bool isError)
    {
        ResourceLogLine line;
        lock (_lock)
        {
            if (!_buffers.TryGetValue(resource, out var buffer))
            {
                _buffers[resource] = buffer = new Buffer();
            }
            // Numbered under the lock, so sequence order is arrival order across the resource's replicas.
            line = new ResourceLogLine(++buffer.LastSequence, time.GetUtcNow(), instance, text, isError);
            buffer.Lines.Enqueue(line);
            while (buffer.Lines.Count > capacityPerResource)
            {
                buffer.Lines.Dequeue();
            }
        }
        LineWritten?.Invoke(resource, line);
    }

    /// <summary>The lines numbered above <paramref name="after"/>, only the newest <paramref name="last"/> of them when given.</summary>
    public IReadOnlyList<ResourceLogLine> GetLines(string resource, long after = 0, int? last = null)
    {
        lock (_lock)
        {
            if (!_buffers.TryGetValue(resource, out var buffer))
            {
                return [];
            }
            var newer = buffer.Lines.Where(l => l.Sequence > after).ToList();
            return last is { } n ? newer.Skip(Math.Max(0, newer.Count - n)).ToList() : newer;
        }
    }

    public IReadOnlyList<ResourceLogLine> GetInstanceLines(string resource, string instance, int last)
    {
        lock (_lock)
        {
            if (!_buffers.TryGetValue(resource, out var buffer))
            {
                return [];
            }
            var lines = buffer.Lines.Where(l => l.Instance == instance).ToList();
            return lines.Skip(Math.Max(0, lines.Count - last)).ToList();
        }
    }

    private sealed class Buffer
    {
        public Queue<ResourceLogLine> Lines { get; } = new();
        public long LastSequence { get; set; }
    }
}
