// Series → Plotly traces for the run page, with one colour per meaning across every chart.
using Lab.Contracts.Costs;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;

namespace Lab.Web.Model;

public static class ChartTraces
{
    public const string Sent = "#5b6b7a";
    public const string Succeeded = "#107c10";
    public const string Dropped = "#c50f1f";
    public const string InFlight = "#0f6cbd";

    public static ITrace Line(string name, Series series, string color, bool steps = false) => new Scatter
    {
        Name = name,
        Mode = ModeFlag.Lines,
        X = series.X.Cast<object>().ToList(),
        Y = series.Y.Cast<object>().ToList(),
        Line = new Line { Color = color, Width = 2, Shape = steps ? Plotly.Blazor.Traces.ScatterLib.LineLib.ShapeEnum.Hv : Plotly.Blazor.Traces.ScatterLib.LineLib.ShapeEnum.Linear },
    };

    public static ITrace Bars(string name, Series series, string color) => new Bar
    {
        Name = name,
        X = series.X.Cast<object>().ToList(),
        Y = series.Y.Cast<object>().ToList(),
        Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = color },
    };

    public static IList<ITrace> PerSecond(RunTimeSeriesView view) =>
    [
        Line("sent", view.Sent, Sent, steps: true),
        Line("succeeded", view.Succeeded, Succeeded, steps: true),
        Line("dropped", view.Dropped, Dropped, steps: true),
        Line("in flight", view.InFlight, InFlight, steps: true),
    ];
}

/// <summary>The time series split into one series per line on the per-second chart, plus p95 latency in seconds.</summary>
public sealed record RunTimeSeriesView(Series Sent, Series Succeeded, Series Dropped, Series InFlight, Series P95Seconds)
{
    public static RunTimeSeriesView From(RunTimeSeries series)
    {
        var points = series.Points.OrderBy(p => p.Second).ToList();
        var x = points.Select(p => (double)p.Second).ToList();
        Series Of(Func<TimeSeriesPoint, double> f) => new(x, points.Select(f).ToList());
        var withP95 = points.Where(p => p.P95LatencyMs is not null).ToList();
        return new RunTimeSeriesView(Of(p => p.Sent), Of(p => p.Succeeded), Of(p => p.Dropped), Of(p => p.InFlight),
            new Series(withP95.Select(p => (double)p.Second).ToList(), withP95.Select(p => p.P95LatencyMs!.Value / 1000).ToList()));
    }
}
