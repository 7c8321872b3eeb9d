// GET /metrics: Prometheus text with vLLM's metric names.
using Lab.ServingSim.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lab.ServingSim.Apis;

internal static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", (ServerMetrics metrics, RealTimeEngineLoop loop) =>
            Results.Text(metrics.Render(loop.Snapshot()), "text/plain; version=0.0.4; charset=utf-8"));
        return app;
    }
}
