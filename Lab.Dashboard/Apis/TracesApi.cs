// GET /api/traces (filtered list) and GET /api/traces/{traceId} (spans and the waterfall model).
using Lab.Dashboard.Storage;
using Lab.Dashboard.Traces;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lab.Dashboard.Apis;

public static class TracesApi
{
    public static IEndpointRouteBuilder MapTracesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/traces");
        api.MapGet("/", ListTraces);
        api.MapGet("/{traceId}", GetTrace);
        return app;
    }

    private static Results<Ok<List<TraceSummary>>, ValidationProblem> ListTraces(
        TelemetryStore store, string? resource, string? name, double? minDurationMs, string? status, string[]? attr, int? limit)
    {
        var attributes = new List<KeyValuePair<string, string>>();
        foreach (var filter in attr ?? [])
        {
            // "key=value" matches that value; a bare "key" matches any span that has the attribute.
            var separator = filter.IndexOf('=');
            var key = separator < 0 ? filter : filter[..separator];
            if (key.Length == 0)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["attr"] = [$"'{filter}' has no attribute name; use attr=<name>=<value>, e.g. attr=lab.run.id=42."],
                });
            }
            attributes.Add(new(key, separator < 0 ? "" : filter[(separator + 1)..]));
        }
        if (status is not null && status is not ("error" or "ok"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["status"] = [$"'{status}' is not a status filter; allowed: error, ok."],
            });
        }
        var traces = store.Spans.QueryTraces(new TraceQuery(resource, name, minDurationMs, status, attributes, limit ?? 100));
        return TypedResults.Ok(traces.ToList());
    }

    private static Results<Ok<TraceDetail>, NotFound> GetTrace(TelemetryStore store, string traceId)
    {
        var spans = store.Spans.GetTrace(traceId);
        if (spans is null)
        {
            return TypedResults.NotFound();
        }
        var waterfall = TraceWaterfall.Build(spans);
        var order = waterfall.Rows.Select((row, index) => (row.SpanId, index)).GroupBy(x => x.SpanId).ToDictionary(g => g.Key, g => g.First().index);
        var ordered = spans.OrderBy(s => order.GetValueOrDefault(s.SpanId, int.MaxValue)).Select(ApiMapping.ToDto).ToList();
        return TypedResults.Ok(new TraceDetail(traceId.ToLowerInvariant(), waterfall, ordered));
    }
}
