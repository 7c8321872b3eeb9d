// Bounded metric-point storage plus the catalogue of instruments each resource reports.
namespace Lab.Dashboard.Storage;

public sealed record InstrumentSummary(
    string Resource,
    string Scope,
    string Name,
    string Description,
    string Unit,
    string Kind,
    int Points,
    DateTimeOffset LastSeen);

public sealed class MetricStore(int capacity)
{
    private readonly Lock _gate = new();
    private readonly BoundedBuffer<StoredMetricPoint> _points = new(capacity);
    private readonly Dictionary<InstrumentKey, InstrumentInfo> _instruments = [];
    private readonly Dictionary<InstrumentInfo, (int Count, ulong LastTime)> _pointCounts = new(ReferenceEqualityComparer.Instance);

    public SignalCounters Counters { get; } = new();

    /// <summary>One instance per instrument, so points can refer to it cheaply and be grouped by reference.</summary>
    public InstrumentInfo Intern(InstrumentInfo candidate)
    {
        var key = new InstrumentKey(candidate.Resource.Key, candidate.Scope, candidate.Name);
        lock (_gate)
        {
            if (_instruments.TryGetValue(key, out var known) && known.Kind == candidate.Kind && known.Unit == candidate.Unit)
            {
                return known;
            }
            _instruments[key] = candidate;
            return candidate;
        }
    }

    public int Add(IReadOnlyList<StoredMetricPoint> batch)
    {
        var overflow = Math.Max(0, batch.Count - _points.Capacity);
        var evicted = 0;
        lock (_gate)
        {
            for (var i = overflow; i < batch.Count; i++)
            {
                var point = batch[i];
                _pointCounts[point.Instrument] = _pointCounts.TryGetValue(point.Instrument, out var c)
                    ? (c.Count + 1, Math.Max(c.LastTime, point.TimeUnixNano))
                    : (1, point.TimeUnixNano);
                if (_points.Add(point) is { } old)
                {
                    evicted++;
                    var oc = _pointCounts[old.Instrument];
                    _pointCounts[old.Instrument] = (oc.Count - 1, oc.LastTime);
                }
            }
        }
        Counters.AddReceived(batch.Count);
        Counters.AddEvicted(evicted);
        Counters.AddRejected(overflow);
        return overflow;
    }

    public IReadOnlyList<InstrumentSummary> Instruments(string? resource)
    {
        lock (_gate)
        {
            return _instruments.Values
                .Where(i => string.IsNullOrEmpty(resource) || i.Resource.Matches(resource))
                .Select(i =>
                {
                    var (count, last) = _pointCounts.TryGetValue(i, out var c) ? c : (0, 0UL);
                    return new InstrumentSummary(i.Resource.Key, i.Scope, i.Name, i.Description, i.Unit, i.Kind.ToString(), count,
                        TimeConversions.FromUnixNano(last));
                })
                .OrderBy(i => i.Resource, StringComparer.Ordinal)
                .ThenBy(i => i.Name, StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>The stored points of one instrument (matched by resource and name), oldest first.</summary>
    public IReadOnlyList<StoredMetricPoint> Points(string resource, string name)
    {
        lock (_gate)
        {
            return _points.Items()
                .Where(p => p.Instrument.Name == name && p.Instrument.Resource.Matches(resource))
                .ToList();
        }
    }

    public int InstrumentCount
    {
        get
        {
            lock (_gate)
            {
                return _instruments.Count;
            }
        }
    }

    public SignalStats Stats()
    {
        lock (_gate)
        {
            return new SignalStats(_points.Count, _points.Capacity, Counters.Received, Counters.Evicted, Counters.Rejected);
        }
    }
}
