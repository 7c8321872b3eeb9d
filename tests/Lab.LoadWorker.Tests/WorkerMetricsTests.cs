// The lab metrics the worker emits per recorded request: names, units, attributes and values (read with a MeterListener).
using System.Diagnostics.Metrics;
using Lab.Contracts.Costs;
using Lab.LoadWorker.Recording;
using Microsoft.Extensions.DependencyInjection;
using Lab.Evidence;

namespace Lab.LoadWorker.Tests;

public sealed class WorkerMetricsTests : IDisposable
{
    private static readonly DateTimeOffset Planned = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<Measurement> _measurements = [];
    private readonly Dictionary<string, Instrument> _instruments = [];
    private readonly WorkerMetrics _metrics;

    private sealed record Measurement(string Instrument, double Value, Dictionary<string, object?> Tags);

    public WorkerMetricsTests()
    {
        _metrics = new WorkerMetrics(_services.GetRequiredService<IMeterFactory>());
        // Only this test's meter: other tests in the process may create their own WorkerMetrics.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _metrics.Meter))
            {
                _instruments[instrument.Name] = instrument;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }
        lock (_measurements)
        {
            _measurements.Add(new Measurement(instrument.Name, value, copy));
        }
    }

    private List<Measurement> Of(string instrument) => _measurements.Where(m => m.Instrument == instrument).ToList();

    [Fact]
    public void Instruments_follow_the_semantic_conventions_naming_and_units()
    {
        Assert.Equal("Lab.LoadWorker", _metrics.Meter.Name);
        Assert.Equal(
            new[] { ("lab.request.duration", "s"), ("lab.requests", "{request}"), ("lab.schedule.lateness", "s"), ("lab.ttft", "s") },
            _instruments.Values.Select(i => (i.Name, i.Unit ?? "")).OrderBy(i => i.Name, StringComparer.Ordinal));
        Assert.IsType<Counter<long>>(_instruments["lab.requests"]);
        Assert.All(new[] { "lab.request.duration", "lab.ttft", "lab.schedule.lateness" }, name => Assert.IsType<Histogram<double>>(_instruments[name]));
    }

    [Fact]
    public void A_successful_request_counts_once_with_its_e2e_ttft_and_lateness_in_seconds()
    {
        var record = new RequestRecord(7, "w", Planned, Planned.AddMilliseconds(3), Planned.AddMilliseconds(123), Planned.AddMilliseconds(1503), null,
            RequestOutcome.Success, null, 200, 512, 128, TtftMs: 120, TpotMs: 11, E2eMs: 1500, ItlMs: null, TraceId: null);

        _metrics.Record(record, "llama-3.1-8b");

        var request = Assert.Single(Of("lab.requests"));
        Assert.Equal(1, request.Value);
        Assert.Equal(new Dictionary<string, object?> { ["lab.outcome"] = "success", ["gen_ai.request.model"] = "llama-3.1-8b" }, request.Tags);
        Assert.Equal(1.5, Assert.Single(Of("lab.request.duration")).Value, 9);
        Assert.Equal(0.12, Assert.Single(Of("lab.ttft")).Value, 9);
        var lateness = Assert.Single(Of("lab.schedule.lateness"));
        Assert.Equal(0.003, lateness.Value, 9);
        Assert.Equal(new Dictionary<string, object?> { ["gen_ai.request.model"] = "llama-3.1-8b" }, lateness.Tags);
    }

    [Fact]
    public void A_timed_out_request_counts_as_dropped_with_its_reason_and_its_latency_until_given_up()
    {
        var record = new RequestRecord(8, "w", Planned, Planned.AddMilliseconds(10), Planned.AddMilliseconds(900), null, Planned.AddMilliseconds(30_010),
            RequestOutcome.Dropped, DropReason.Timeout, 200, 512, 40, TtftMs: 890, TpotMs: null, E2eMs: null, ItlMs: null, TraceId: null);

        _metrics.Record(record, "llama-3.1-8b");

        var expectedTags = new Dictionary<string, object?> { ["lab.outcome"] = "dropped", ["gen_ai.request.model"] = "llama-3.1-8b", ["error.type"] = "timeout" };
        Assert.Equal(expectedTags, Assert.Single(Of("lab.requests")).Tags);
        var duration = Assert.Single(Of("lab.request.duration"));
        Assert.Equal(30.0, duration.Value, 9);
        Assert.Equal(expectedTags, duration.Tags);
        Assert.Equal(0.89, Assert.Single(Of("lab.ttft")).Value, 9);
        Assert.Equal(0.01, Assert.Single(Of("lab.schedule.lateness")).Value, 9);
    }

    [Fact]
    public void A_request_that_never_left_counts_from_its_planned_send_and_has_no_lateness_or_ttft()
    {
        var record = new RequestRecord(9, "w", Planned, null, null, null, Planned.AddSeconds(2),
            RequestOutcome.Dropped, DropReason.WorkerLost, null, 512, 0, null, null, null, null, null);

        _metrics.Record(record, "llama-3.1-8b");

        Assert.Equal("worker_lost", Assert.Single(Of("lab.requests")).Tags["error.type"]);
        Assert.Equal(2.0, Assert.Single(Of("lab.request.duration")).Value, 9);
        Assert.Empty(Of("lab.ttft"));
        Assert.Empty(Of("lab.schedule.lateness"));
    }

    [Theory]
    [InlineData(DropReason.Timeout, "timeout")]
    [InlineData(DropReason.Rejected, "rejected")]
    [InlineData(DropReason.HttpError, "http_error")]
    [InlineData(DropReason.ConnectionError, "connection_error")]
    [InlineData(DropReason.Cancelled, "cancelled")]
    [InlineData(DropReason.WorkerLost, "worker_lost")]
    public void Drop_reasons_use_the_labs_wire_names(DropReason reason, string name) => Assert.Equal(name, DropReasons.Name(reason));

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
