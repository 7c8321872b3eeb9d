// GET /metrics: Prometheus text with vLLM's metric names, plus the twin's own step-lateness figures (labsim:*).
using System.Globalization;
using Lab.ServingSim.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lab.ServingSim.Apis;

internal static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", (ServerMetrics metrics, RealTimeEngineLoop loop, InferenceService service) =>
        {
            var (summary, max, steps) = loop.Lateness();
            var label = $"{{model_name=\"{service.ModelName}\"";
            var c = CultureInfo.InvariantCulture;
            var lateness =
                "# HELP labsim:engine_step_lateness_seconds_summary Twin only: how late engine steps ended against the model's schedule.\n" +
                "# TYPE labsim:engine_step_lateness_seconds_summary summary\n" +
                string.Create(c, $"labsim:engine_step_lateness_seconds_summary{label},quantile=\"0.5\"}} {(steps == 0 ? 0 : summary.P50):R}\n") +
                string.Create(c, $"labsim:engine_step_lateness_seconds_summary{label},quantile=\"0.99\"}} {(steps == 0 ? 0 : summary.P99):R}\n") +
                string.Create(c, $"labsim:engine_step_lateness_seconds_summary{label},quantile=\"1\"}} {max:R}\n") +
                string.Create(c, $"labsim:engine_step_lateness_seconds_summary_count{label}}} {steps}\n");
            return Results.Text(metrics.Render(loop.Snapshot()) + lateness, "text/plain; version=0.0.4; charset=utf-8");
        });
        return app;
    }
}
