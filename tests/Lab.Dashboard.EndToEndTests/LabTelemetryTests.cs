// The running lab exports to the dashboard the AppHost started: a cross-service request trace assembles, logs arrive,
// and the resources page (fed by the AppHost's control API) shows every resource, running, with the AppHost's health.
using System.Net.Http.Json;
using Lab.Dashboard.Apis;
using Lab.Dashboard.Storage;
using Lab.Hosting.Testing;
using Microsoft.Playwright;

namespace Lab.Dashboard.Tests;

public sealed partial class LabTelemetryTests(LabWithDashboard lab) : IClassFixture<LabWithDashboard>
{
    /// <summary>The shared lab, for the tests in this class's other files.</summary>
    private LabWithDashboard TheLab => lab;

    [Fact]
    public async Task The_lab_sends_a_cross_service_trace_and_logs_and_the_resources_page_shows_every_resource_healthy()
    {
        var ct = TestContext.Current.CancellationToken;
        var app = lab.App;
        var api = lab.Api;

        // web → costapi over service discovery: one trace, two services, parent links across the process boundary.
        using var web = app.CreateHttpClient("web");
        (await web.GetAsync("/api/diagnostics/costapi", ct)).EnsureSuccessStatusCode();
        // Each process exports on its own schedule; wait until both ends of the request have arrived.
        var detail = await LabWithDashboard.EventuallyAsync(async () =>
        {
            var traces = await api.GetFromJsonAsync<List<TraceSummary>>("/api/traces?resource=costapi&name=diagnostics", ct);
            foreach (var candidate in traces!.Where(t => t.Services.Any(s => s.StartsWith("web", StringComparison.Ordinal))))
            {
                var found = await api.GetFromJsonAsync<TraceDetail>($"/api/traces/{candidate.TraceId}", ct);
                if (found!.Spans.Any(s => s.ServiceName == "web" && s.Kind == "Server" && s.ParentSpanId == ""))
                {
                    return found;
                }
            }
            return null;
        }, "the web → costapi trace");
        var costapiServer = detail.Spans.First(s => s.ServiceName == "costapi" && s.Kind == "Server");
        var webClient = Assert.Single(detail.Spans, s => s.SpanId == costapiServer.ParentSpanId);
        Assert.Equal(("web", "Client"), (webClient.ServiceName, webClient.Kind));
        Assert.Contains(detail.Spans, s => s.ServiceName == "web" && s.Kind == "Server" && s.ParentSpanId == "");
        Assert.DoesNotContain(detail.Waterfall.Rows, r => r.ParentMissing);

        // Structured logs from the services' ILogger arrive too.
        await LabWithDashboard.EventuallyAsync(async () => (await api.GetFromJsonAsync<List<LogDto>>("/api/logs?resource=costapi", ct))!.FirstOrDefault(), "costapi's logs");

        // The resources page lists what the AppHost runs, every one healthy.
        var resourceNames = app.ResourceNotifications.Snapshots.Select(s => s.Name).ToList();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        await page.GotoAsync(new Uri(lab.Dashboard.Frontend, $"/login?t={lab.Dashboard.BrowserToken}").ToString());
        await page.Locator("tr[data-resource]").Nth(resourceNames.Count - 1).WaitForAsync();
        // The page shows what the AppHost's control API says. Under heavy load a health probe can flap (seen here at
        // load 35 on 2 cores), so the page is compared with the control API's own answer until both agree.
        using var control = new HttpClient { BaseAddress = app.ControlUrl };
        var shown = new Dictionary<string, string>();
        var reported = new Dictionary<string, string>();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var json = System.Text.Json.JsonDocument.Parse(await control.GetStringAsync("/api/resources", ct));
            reported = json.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!,
                r => $"{r.GetProperty("state").GetString()} {r.GetProperty("health").GetString()}");
            foreach (var name in resourceNames)
            {
                var cells = page.Locator($"tr[data-resource='{name}'] td");
                shown[name] = $"{(await cells.Nth(2).InnerTextAsync()).Trim()} {(await cells.Nth(3).InnerTextAsync()).Trim()}";
            }
            if (shown.OrderBy(p => p.Key).SequenceEqual(reported.OrderBy(p => p.Key)) && shown.Values.All(v => v == "Running Healthy"))
            {
                break;
            }
            await page.WaitForTimeoutAsync(1500);
        }
        Assert.Equal(resourceNames.Order(), shown.Keys.Order());
        Assert.All(shown.Values, v => Assert.StartsWith("Running ", v));
        Assert.True(shown.OrderBy(p => p.Key).SequenceEqual(reported.OrderBy(p => p.Key)),
            $"page: {string.Join(", ", shown.Select(h => $"{h.Key}: {h.Value}"))}; apphost: {string.Join(", ", reported.Select(h => $"{h.Key}: {h.Value}"))}");
        var screenshots = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "lab-resources.png"), FullPage = true });
        await page.GotoAsync(new Uri(lab.Dashboard.Frontend, $"/traces/{detail.TraceId}").ToString());
        await page.Locator(".wf-row").Nth(detail.Spans.Count - 1).WaitForAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "lab-trace-web-costapi.png"), FullPage = true });
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Lab.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? AppContext.BaseDirectory;
    }
}
