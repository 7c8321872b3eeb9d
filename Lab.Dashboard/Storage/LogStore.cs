// Bounded structured-log storage, queried newest first or tailed after a sequence number.
namespace Lab.Dashboard.Storage;

public sealed record LogQuery(
    string? Resource = null,
    int MinSeverity = 0,
    string? Text = null,
    string? TraceId = null,
    long After = 0,
    int Limit = 200);

public sealed class LogStore(int capacity)
{
    private readonly Lock _gate = new();
    private readonly BoundedBuffer<StoredLog> _logs = new(capacity);
    private long _sequence;

    public SignalCounters Counters { get; } = new();

    /// <summary>Stores records built by <paramref name="create"/> with consecutive sequence numbers; returns how many did not fit.</summary>
    public int Add(IReadOnlyList<Func<long, StoredLog>> create)
    {
        var overflow = Math.Max(0, create.Count - _logs.Capacity);
        var evicted = 0;
        lock (_gate)
        {
            for (var i = overflow; i < create.Count; i++)
            {
                if (_logs.Add(create[i](++_sequence)) is not null)
                {
                    evicted++;
                }
            }
        }
        Counters.AddReceived(create.Count);
        Counters.AddEvicted(evicted);
        Counters.AddRejected(overflow);
        return overflow;
    }

    public IReadOnlyList<StoredLog> Query(LogQuery query)
    {
        var limit = Math.Clamp(query.Limit, 1, 5000);
        var traceId = query.TraceId?.ToLowerInvariant();
        var result = new List<StoredLog>(Math.Min(limit, 256));
        lock (_gate)
        {
            foreach (var log in _logs.ItemsNewestFirst())
            {
                if (log.Sequence <= query.After)
                {
                    break;
                }
                if (Matches(log, query, traceId))
                {
                    result.Add(log);
                    if (result.Count == limit)
                    {
                        break;
                    }
                }
            }
        }
        return result;
    }

    public SignalStats Stats()
    {
        lock (_gate)
        {
            return new SignalStats(_logs.Count, _logs.Capacity, Counters.Received, Counters.Evicted, Counters.Rejected);
        }
    }

    private static bool Matches(StoredLog log, LogQuery query, string? traceId)
    {
        if (!string.IsNullOrEmpty(query.Resource) && !log.Resource.Matches(query.Resource))
        {
            return false;
        }
        if (log.SeverityNumber < query.MinSeverity)
        {
            return false;
        }
        if (!string.IsNullOrEmpty(traceId) && log.TraceId != traceId)
        {
            return false;
        }
        if (!string.IsNullOrEmpty(query.Text)
            && !log.Body.Contains(query.Text, StringComparison.OrdinalIgnoreCase)
            && !log.Scope.Contains(query.Text, StringComparison.OrdinalIgnoreCase)
            && !log.Attributes.Any(a => a.Value.Contains(query.Text, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }
        return true;
    }
}
