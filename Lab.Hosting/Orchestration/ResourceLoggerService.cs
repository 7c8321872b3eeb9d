// Each resource's log lines: kept in a bounded buffer (for the control API and the dashboard) and echoed to the console.
namespace Lab.Hosting;

public sealed record ResourceLogLine(DateTimeOffset Timestamp, string Instance, string Text, bool IsError);

public sealed class ResourceLoggerService(TimeProvider time, int capacityPerResource = 2000)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<ResourceLogLine>> _lines = new(StringComparer.Ordinal);

    /// <summary>Called for every line as it arrives (the console writer).</summary>
    public event Action<string, ResourceLogLine>? LineWritten;

    public void Write(string resource, string instance, string text, bool isError)
    {
        var line = new ResourceLogLine(time.GetUtcNow(), instance, text, isError);
        lock (_lock)
        {
            if (!_lines.TryGetValue(resource, out var queue))
            {
                _lines[resource] = queue = new Queue<ResourceLogLine>();
            }
            queue.Enqueue(line);
            while (queue.Count > capacityPerResource)
            {
                queue.Dequeue();
            }
        }
        LineWritten?.Invoke(resource, line);
    }

    public IReadOnlyList<ResourceLogLine> GetLines(string resource, int? last = null)
    {
        lock (_lock)
        {
            if (!_lines.TryGetValue(resource, out var queue))
            {
                return [];
            }
            return last is { } n ? [.. queue.Skip(Math.Max(0, queue.Count - n))] : [.. queue];
        }
    }

    public IReadOnlyList<ResourceLogLine> GetInstanceLines(string resource, string instance, int last)
    {
        lock (_lock)
        {
            if (!_lines.TryGetValue(resource, out var queue))
            {
                return [];
            }
            var lines = queue.Where(l => l.Instance == instance).ToList();
            return lines.Skip(Math.Max(0, lines.Count - last)).ToList();
        }
    }
}
