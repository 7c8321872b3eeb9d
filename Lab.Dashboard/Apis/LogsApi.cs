// GET /api/logs: structured logs filtered by resource, level, text and trace id, newest first (or after a sequence).
using Lab.Dashboard.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lab.Dashboard.Apis;

public static class LogsApi
{
    private static readonly Dictionary<string, int> Levels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["trace"] = 1,
        ["debug"] = 5,
        ["information"] = 9,
        ["warning"] = 13,
        ["error"] = 17,
        ["critical"] = 21,
    };

    public static IEndpointRouteBuilder MapLogsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/logs").MapGet("/", ListLogs);
        return app;
    }

    private static Results<Ok<List<LogDto>>, ValidationProblem> ListLogs(
        TelemetryStore store, string? resource, string? level, string? text, string? traceId, long? after, int? limit)
    {
        var minSeverity = 0;
        if (!string.IsNullOrEmpty(level) && !Levels.TryGetValue(level, out minSeverity))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["level"] = [$"'{level}' is not a level; allowed: {string.Join(", ", Levels.Keys)}."],
            });
        }
        var logs = store.Logs.Query(new LogQuery(resource, minSeverity, text, traceId, after ?? 0, limit ?? 200));
        return TypedResults.Ok(logs.Select(ApiMapping.ToDto).ToList());
    }
}
