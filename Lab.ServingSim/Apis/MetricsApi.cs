// GET /metrics: the twin's prometheus-net metrics (vLLM's names), plus its step-lateness summary (labsim:*).
using System.Globalization;
using Lab.ServingSim.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace Lab.ServingSim.Apis;

internal static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", WriteMetricsAsync);
        return app;
    }

    private static async Task<IResult> WriteMetricsAsync(ServerMetrics metrics, RealTimeEngineLoop loop, InferenceService service,
        CancellationToken cancellationToken) =>
        Results.Text(await metrics.ExportAsync(loop.Snapshot(), cancellationToken) + LatenessSummary(loop, service.ModelName),
            PrometheusConstants.TextContentTypeWithVersionAndEncoding);

    // Written by hand because prometheus-net's Summary computes its own streaming quantiles over a sliding window;
    // these are the engine loop's exact nearest-rank p50/p99 and max since start, which the real-time bench reads.
    private static string LatenessSummary(RealTimeEngineLoop loop, string modelName)
    {
        var (summary, max, steps) = loop.Lateness();
        var label = $"{{model_name=\"{modelName}\"";
        var c = CultureInfo.InvariantCulture;
        return
            "# HELP labsim:engine_step_lateness_seconds_summary Twin only: how late engine steps ended against the model's schedule.\n" +
            "# TYPE labsim:engine_step_lateness_seconds_summary summary\n" +
            string.Create(c, $"labsim:engine_step_lateness_seconds_summary{label},quantile=\"0.5\"}} {(steps == 0 ? 0 : summary.P50):R}\n") +
            string.Create(c, $"labsim:engine_step_lateness_seconds_summary{label},quantile=\"0.99\"}} {(steps == 0 ? 0 : summary.P99):R}\n") +
            string.Create(c, $"labsim:engine_step_lateness_seconds_summary{label},quantile=\"1\"}} {max:R}\n") +
            string.Create(c, $"labsim:engine_step_lateness_seconds_summary_count{label}}} {steps}\n");
    }
}
