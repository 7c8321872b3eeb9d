// The dashboard's pages: one embedded HTML shell behind the login that renders from the JSON API with app.js/views.js.
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

        // Scripts and styles carry no data, so the login page can use them too.
        app.MapGet("/app.js", () => Asset("app.js", "text/javascript; charset=utf-8")).AllowAnonymous();
        app.MapGet("/views.js", () => Asset("views.js", "text/javascript; charset=utf-8")).AllowAnonymous();
        app.MapGet("/app.css", () => Asset("app.css", "text/css; charset=utf-8")).AllowAnonymous();
        return app;
    }

    private static IResult Page(string page) =>
        Results.Content(Load("shell.html").Replace("{{page}}", page, StringComparison.Ordinal), "text/html; charset=utf-8");

    private static IResult Asset(string name, string contentType) => Results.Content(Load(name), contentType);

    private static string Load(string name) => Cache.GetOrAdd(name, static file =>
    {
        using var stream = typeof(PagesApi).Assembly.GetManifestResourceStream($"Lab.Dashboard.Pages.{file}")
            ?? throw new InvalidOperationException($"'{file}' is not embedded in Lab.Dashboard.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
