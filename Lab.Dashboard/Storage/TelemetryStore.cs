// The dashboard's in-memory telemetry: one bounded store per signal, sized from Dashboard:Limits.
using Lab.Dashboard.Configuration;
using Microsoft.Extensions.Options;

namespace Lab.Dashboard.Storage;

public sealed class TelemetryStore(IOptions<DashboardOptions> options)
{
    public ResourceRegistry Resources { get; } = new();
    public SpanStore Spans { get; } = new(options.Value.Limits.MaxSpans);
    public LogStore Logs { get; } = new(options.Value.Limits.MaxLogRecords);
    public MetricStore Metrics { get; } = new(options.Value.Limits.MaxMetricPoints);

    public TelemetryStats Stats() => new(
        Spans.Stats(),
        Logs.Stats(),
        Metrics.Stats(),
        Spans.TraceCount,
        Metrics.InstrumentCount,
        Resources.All().Select(r => r.Key).ToList());
}
