// Assembles a trace's spans (from any number of services) into waterfall rows: parent before children, by start time.
using Lab.Dashboard.Storage;

namespace Lab.Dashboard.Traces;

public sealed record WaterfallRow(
    string SpanId,
    string ParentSpanId,
    int Depth,
    double OffsetMs,
    double DurationMs,
    string Service,
    string Name,
    string Kind,
    bool IsError,
    bool ParentMissing);

public sealed record Waterfall(DateTimeOffset Start, double DurationMs, IReadOnlyList<string> Services, IReadOnlyList<WaterfallRow> Rows);

public static class TraceWaterfall
{
    public static Waterfall Build(IReadOnlyList<StoredSpan> spans)
    {
        if (spans.Count == 0)
        {
            return new Waterfall(DateTimeOffset.UnixEpoch, 0, [], []);
        }

        var start = spans.Min(s => s.StartUnixNano);
        var end = spans.Max(s => Math.Max(s.EndUnixNano, s.StartUnixNano));
        var byId = new Dictionary<string, StoredSpan>(StringComparer.Ordinal);
        foreach (var span in spans)
        {
            byId.TryAdd(span.SpanId, span);
        }
        var children = spans
            .Where(s => s.ParentSpanId.Length > 0 && byId.ContainsKey(s.ParentSpanId) && s.ParentSpanId != s.SpanId)
            .GroupBy(s => s.ParentSpanId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.StartUnixNano).ThenBy(s => s.SpanId, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

        // Roots: spans without a parent, and spans whose parent never arrived (shown at the top, flagged).
        var roots = spans
            .Where(s => s.ParentSpanId.Length == 0 || !byId.ContainsKey(s.ParentSpanId) || s.ParentSpanId == s.SpanId)
            .OrderBy(s => s.ParentSpanId.Length == 0 ? 0 : 1)
            .ThenBy(s => s.StartUnixNano)
            .ToList();

        var rows = new List<WaterfallRow>(spans.Count);
        var visited = new HashSet<StoredSpan>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(StoredSpan Span, int Depth)>();
        foreach (var root in roots)
        {
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (span, depth) = stack.Pop();
                if (!visited.Add(span))
                {
                    continue; // A parent cycle in bad data must not loop forever.
                }
                rows.Add(new WaterfallRow(
                    span.SpanId,
                    span.ParentSpanId,
                    depth,
                    (span.StartUnixNano - start) / 1e6,
                    span.DurationMs,
                    span.Resource.Key,
                    span.Name,
                    span.Kind,
                    span.IsError,
                    span.ParentSpanId.Length > 0 && !byId.ContainsKey(span.ParentSpanId)));
                if (children.TryGetValue(span.SpanId, out var kids))
                {
                    for (var i = kids.Count - 1; i >= 0; i--)
                    {
                        stack.Push((kids[i], depth + 1));
                    }
                }
            }
        }
        // Spans only reachable through a cycle were never pushed from a root; list them rather than lose them.
        foreach (var span in spans.Where(s => !visited.Contains(s)).OrderBy(s => s.StartUnixNano))
        {
            rows.Add(new WaterfallRow(span.SpanId, span.ParentSpanId, 0, (span.StartUnixNano - start) / 1e6, span.DurationMs,
                span.Resource.Key, span.Name, span.Kind, span.IsError, ParentMissing: true));
        }

        var services = rows.Select(r => r.Service).Distinct(StringComparer.Ordinal).ToList();
        return new Waterfall(TimeConversions.FromUnixNano(start), (end - start) / 1e6, services, rows);
    }
}
