// Bounded span storage with a trace index, so a trace is assembled without scanning the ring.
namespace Lab.Dashboard.Storage;

public sealed record TraceQuery(
    string? Resource = null,
    string? Name = null,
    double? MinDurationMs = null,
    string? Status = null,
    IReadOnlyList<KeyValuePair<string, string>>? Attributes = null,
    int Limit = 100);

public sealed record TraceSummary(
    string TraceId,
    string Name,
    string RootService,
    DateTimeOffset Start,
    double DurationMs,
    int SpanCount,
    int ErrorCount,
    IReadOnlyList<string> Services);

public sealed class SpanStore(int capacity)
{
    private readonly Lock _gate = new();
    private readonly BoundedBuffer<StoredSpan> _spans = new(capacity);
    private readonly Dictionary<string, List<StoredSpan>> _traces = new(StringComparer.Ordinal);

    public SignalCounters Counters { get; } = new();

    /// <summary>Stores a batch; returns how many of it did not fit at all (a batch larger than the whole limit).</summary>
    public int Add(IReadOnlyList<StoredSpan> batch)
    {
        // Of a batch larger than the ring only its newest part could survive; refuse the rest up front.
        var overflow = Math.Max(0, batch.Count - _spans.Capacity);
        var evicted = 0;
        lock (_gate)
        {
            for (var i = overflow; i < batch.Count; i++)
            {
                var span = batch[i];
                if (!_traces.TryGetValue(span.TraceId, out var trace))
                {
                    _traces[span.TraceId] = trace = new List<StoredSpan>(4);
                }
                trace.Add(span);
                if (_spans.Add(span) is { } old)
                {
                    evicted++;
                    Unindex(old);
                }
            }
        }
        Counters.AddReceived(batch.Count);
        Counters.AddEvicted(evicted);
        Counters.AddRejected(overflow);
        return overflow;
    }

    public IReadOnlyList<StoredSpan>? GetTrace(string traceId)
    {
        lock (_gate)
        {
            return _traces.TryGetValue(traceId.ToLowerInvariant(), out var spans) ? spans.ToArray() : null;
        }
    }

    public IReadOnlyList<TraceSummary> QueryTraces(TraceQuery query)
    {
        List<StoredSpan[]> traces;
        lock (_gate)
        {
            traces = new List<StoredSpan[]>(_traces.Count);
            foreach (var spans in _traces.Values)
            {
                traces.Add(spans.ToArray());
            }
        }

        return traces
            .Where(spans => Matches(spans, query))
            .Select(Summarize)
            .OrderByDescending(t => t.Start)
            .Take(Math.Clamp(query.Limit, 1, 5000))
            .ToList();
    }

    public SignalStats Stats()
    {
        lock (_gate)
        {
            return new SignalStats(_spans.Count, _spans.Capacity, Counters.Received, Counters.Evicted, Counters.Rejected);
        }
    }

    public int TraceCount
    {
        get
        {
            lock (_gate)
            {
                return _traces.Count;
            }
        }
    }

    private void Unindex(StoredSpan span)
    {
        if (!_traces.TryGetValue(span.TraceId, out var trace))
        {
            return;
        }
        // Eviction is oldest-first, so the span is almost always at the front of its trace's list.
        for (var i = 0; i < trace.Count; i++)
        {
            if (ReferenceEquals(trace[i], span))
            {
                trace.RemoveAt(i);
                break;
            }
        }
        if (trace.Count == 0)
        {
            _traces.Remove(span.TraceId);
        }
    }

    private static bool Matches(StoredSpan[] spans, TraceQuery query)
    {
        if (!string.IsNullOrEmpty(query.Resource) && !spans.Any(s => s.Resource.Matches(query.Resource)))
        {
            return false;
        }
        if (!string.IsNullOrEmpty(query.Name) && !spans.Any(s => s.Name.Contains(query.Name, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }
        if (query.MinDurationMs is { } min && TraceDurationMs(spans) < min)
        {
            return false;
        }
        if (!string.IsNullOrEmpty(query.Status))
        {
            var hasError = spans.Any(s => s.IsError);
            if (string.Equals(query.Status, "error", StringComparison.OrdinalIgnoreCase) != hasError)
            {
                return false;
            }
        }
        foreach (var (key, value) in query.Attributes ?? [])
        {
            if (!spans.Any(s => s.Attribute(key) is { } v && (value.Length == 0 || v == value)))
            {
                return false;
            }
        }
        return true;
    }

    private static double TraceDurationMs(StoredSpan[] spans)
    {
        var start = spans.Min(s => s.StartUnixNano);
        var end = spans.Max(s => s.EndUnixNano);
        return end > start ? (end - start) / 1e6 : 0;
    }

    private static TraceSummary Summarize(StoredSpan[] spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        // The root is the earliest span whose parent is not in the trace (a true root, or the top of what arrived).
        var root = spans
            .Where(s => s.ParentSpanId.Length == 0 || !ids.Contains(s.ParentSpanId))
            .OrderBy(s => s.ParentSpanId.Length == 0 ? 0 : 1)
            .ThenBy(s => s.StartUnixNano)
            .FirstOrDefault() ?? spans[0];
        var start = spans.Min(s => s.StartUnixNano);
        return new TraceSummary(
            root.TraceId,
            root.Name,
            root.Resource.Key,
            TimeConversions.FromUnixNano(start),
            TraceDurationMs(spans),
            spans.Length,
            spans.Count(s => s.IsError),
            spans.Select(s => s.Resource.Key).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList());
    }
}

public static class TimeConversions
{
    public static DateTimeOffset FromUnixNano(ulong unixNano) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)(unixNano / 100));
}
