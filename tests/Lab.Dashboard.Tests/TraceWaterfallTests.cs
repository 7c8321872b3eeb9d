// The waterfall model on its own: parents before children across services, depths, offsets, orphans and cycles.
using Lab.Dashboard.Storage;
using Lab.Dashboard.Traces;

namespace Lab.Dashboard.Tests;

public sealed class TraceWaterfallTests
{
    private static readonly TelemetryResource Orchestrator = new("orchestrator", "", []);
    private static readonly TelemetryResource Worker = new("loadworker", "w-2", []);
    private static readonly TelemetryResource Gpu = new("servingsim", "", []);
    private const ulong T0 = 1_700_000_000_000_000_000UL;

    private static StoredSpan Span(TelemetryResource resource, string id, string parent, string name, double startMs, double endMs, bool error = false) =>
        new(resource, "test", "trace", id, parent, name, "Internal", T0 + (ulong)(startMs * 1e6), T0 + (ulong)(endMs * 1e6),
            error ? "Error" : "Unset", "", [], [], []);

    [Fact]
    public void Spans_from_several_services_are_ordered_depth_first_by_start_time()
    {
        // Given out of arrival order, as exporters of different processes deliver them.
        var spans = new[]
        {
            Span(Gpu, "g1", "w1", "chat", 20, 90, error: true),
            Span(Worker, "w2", "o2", "shard 2", 15, 60),
            Span(Orchestrator, "o2", "o1", "XADD shards", 5, 6),
            Span(Worker, "w1", "o2", "shard 1", 10, 95),
            Span(Orchestrator, "o1", "", "POST /runs", 0, 100),
        };

        var waterfall = TraceWaterfall.Build(spans);

        Assert.Equal(["o1", "o2", "w1", "g1", "w2"], waterfall.Rows.Select(r => r.SpanId));
        Assert.Equal([0, 1, 2, 3, 2], waterfall.Rows.Select(r => r.Depth));
        Assert.Equal([0.0, 5, 10, 20, 15], waterfall.Rows.Select(r => Math.Round(r.OffsetMs, 6)));
        Assert.Equal(100, waterfall.DurationMs, 6);
        Assert.Equal(["orchestrator", "loadworker/w-2", "servingsim"], waterfall.Services);
        Assert.True(waterfall.Rows.Single(r => r.SpanId == "g1").IsError);
        Assert.DoesNotContain(waterfall.Rows, r => r.ParentMissing);
    }

    [Fact]
    public void A_span_whose_parent_never_arrived_is_kept_and_flagged()
    {
        var waterfall = TraceWaterfall.Build([Span(Orchestrator, "o1", "", "root", 0, 10), Span(Worker, "w1", "missing", "orphan", 2, 4)]);

        Assert.Equal(["o1", "w1"], waterfall.Rows.Select(r => r.SpanId));
        Assert.Equal([false, true], waterfall.Rows.Select(r => r.ParentMissing));
        Assert.Equal([0, 0], waterfall.Rows.Select(r => r.Depth));
    }

    [Fact]
    public void A_parent_cycle_in_bad_data_terminates_and_loses_no_span()
    {
        var waterfall = TraceWaterfall.Build([Span(Worker, "a", "b", "a", 0, 1), Span(Worker, "b", "a", "b", 1, 2)]);

        Assert.Equal(["a", "b"], waterfall.Rows.Select(r => r.SpanId).Order());
    }
}
