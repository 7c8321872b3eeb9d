// GET /api/telemetry/stats: what is stored against each limit, and what was evicted or rejected.
using Lab.Dashboard.Storage;

namespace Lab.Dashboard.Apis;

public static class TelemetryStatsApi
{
    public static IEndpointRouteBuilder MapTelemetryStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/telemetry/stats", (TelemetryStore store) => TypedResults.Ok(store.Stats()));
        return app;
    }
}
