// The dashboard's pages: HTML shells (embedded) behind the login; they render from the JSON API with /app.js.
using System.Collections.Concurrent;

namespace Lab.Dashboard.Apis;

public static class PagesApi
{
    private static readonly ConcurrentDictionary<string, string> Cache = new();

    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Page("resources"));
        app.MapGet("/structuredlogs", () => Page("logs"));
        app.MapGet("/traces", () => Page("traces"));
        app.MapGet("/traces/{traceId}", (string traceId) => Page("trace"));
        app.MapGet("/metrics", () => Page("metrics"));
        return app;
    }

    private static IResult Page(string name) =>
        Results.Content(Cache.GetOrAdd(name, Load), "text/html; charset=utf-8");

    private static string Load(string name)
    {
        using var stream = typeof(PagesApi).Assembly.GetManifestResourceStream($"Lab.Dashboard.Pages.{name}.html")
            ?? throw new InvalidOperationException($"Page '{name}' is not embedded in Lab.Dashboard.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
