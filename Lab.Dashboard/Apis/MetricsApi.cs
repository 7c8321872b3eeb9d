// GET /api/metrics (instruments per resource) and GET /api/metrics/series (one instrument's points as chart series).
using Lab.Dashboard.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lab.Dashboard.Apis;

public static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/metrics");
        api.MapGet("/", (TelemetryStore store, string? resource) => TypedResults.Ok(store.Metrics.Instruments(resource).ToList()));
        api.MapGet("/series", GetSeries);
        return app;
    }

    private static Results<Ok<MetricSeriesResponse>, NotFound, ValidationProblem> GetSeries(TelemetryStore store, string? resource, string? name)
    {
        if (string.IsNullOrEmpty(resource) || string.IsNullOrEmpty(name))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [string.IsNullOrEmpty(resource) ? "resource" : "name"] = ["Both resource and name are required; list them with GET /api/metrics."],
            });
        }
        var instrument = store.Metrics.Instruments(resource).FirstOrDefault(i => i.Name == name);
        if (instrument is null)
        {
            return TypedResults.NotFound();
        }
        var series = MetricSeriesBuilder.Build(store.Metrics.Points(resource, name));
        return TypedResults.Ok(new MetricSeriesResponse(instrument, series));
    }
}
