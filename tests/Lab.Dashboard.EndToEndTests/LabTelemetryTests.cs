// The running lab exports to the Aspire dashboard the AppHost started: a cross-service request trace assembles, logs
// arrive, and the dashboard's resources page shows every resource the AppHost runs, running, as its control API reports them.
using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting.Testing;
using Lab.Contracts.ControlPlane;
using Lab.Dashboard.Client;

namespace Lab.Dashboard.EndToEndTests;

public sealed partial class LabTelemetryTests(LabWithDashboard lab) : IClassFixture<LabWithDashboard>
{
    /// <summary>The shared lab, for the tests in this class's other files.</summary>
    private LabWithDashboard TheLab => lab;

    [Fact]
    public async Task The_lab_sends_a_cross_service_trace_and_logs_and_the_resources_page_shows_every_resource_running()
    {
        var ct = TestContext.Current.CancellationToken;
        var app = lab.App;
        var telemetry = lab.Telemetry;

        // web → costapi over service discovery: one trace, two services, parent links across the process boundary.
        using var web = app.CreateHttpClient("web", "http");
        (await web.GetAsync("/api/diagnostics/costapi", ct)).EnsureSuccessStatusCode();
        // Each process exports on its own schedule; wait until both ends of the request have arrived.
        var trace = await LabWithDashboard.EventuallyAsync(async () =>
            (await telemetry.GetTracesWithAttributeAsync("url.path", "/api/diagnostics/db", resource: "costapi", cancellationToken: ct))
                .FirstOrDefault(t => t.IsComplete && t.Spans.Any(s => s.ServiceName == "web" && s.Kind == SpanKind.Server && s.ParentSpanId == "")),
            "the web → costapi trace");
        var costapiServer = trace.Spans.First(s => s.ServiceName == "costapi" && s.Kind == SpanKind.Server);
        var webClient = Assert.Single(trace.Spans, s => s.SpanId == costapiServer.ParentSpanId);
        Assert.Equal(("web", SpanKind.Client), (webClient.ServiceName, webClient.Kind));
        var webServer = Assert.Single(trace.Roots);
        Assert.Equal(("web", SpanKind.Server, "/api/diagnostics/costapi"), (webServer.ServiceName, webServer.Kind, webServer.Attributes["url.path"]));
        Assert.Contains(webServer, trace.Ancestors(webClient));

        // Structured logs from the services' ILogger arrive too.
        var logs = await LabWithDashboard.EventuallyAsync(async () =>
            await telemetry.GetLogsAsync(resource: "costapi", cancellationToken: ct) is { Count: > 0 } found ? found : null, "costapi's logs");
        Assert.All(logs, l => Assert.Equal("costapi", l.ServiceName));
        Assert.Contains(logs, l => l.Scope == "Microsoft.Hosting.Lifetime" && l.Message.StartsWith("Now listening on", StringComparison.Ordinal));

        // The resources page lists what the AppHost runs, each as the control API reports it.
        IReadOnlyList<ResourceView> reported = [];
        var page = await lab.LoggedInPageAsync();
        var rows = new Dictionary<string, string>();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            rows = await ResourceRowsAsync(page);
            // Under load a health probe can flap, so the page and the control API are compared until both agree.
            reported = await ControlResourcesAsync(ct);
            if (reported.All(r => Shown(rows, r) == ExpectedState(r)))
            {
                break;
            }
            await page.WaitForTimeoutAsync(1500);
        }
        // The page lists exactly the resources the control API does (replicas as name-suffix rows), every one running.
        Assert.Contains(reported, r => r.Name == "web");
        Assert.Equal(reported.Select(r => r.Name).Order(), rows.Keys.Select(row => reported.FirstOrDefault(r => IsRowOf(row, r))?.Name ?? row).Distinct().Order());
        Assert.All(reported, r => Assert.Equal((r.Name, ResourceState.Running, ResourceHealth.Healthy), (r.Name, r.State, r.Health)));
        Assert.All(reported, r => Assert.True(Shown(rows, r) == ExpectedState(r),
            $"{r.Name}: page shows '{Shown(rows, r)}', the control API says {r.State} {r.Health}; rows: {string.Join(" | ", rows.Select(p => $"{p.Key}: {p.Value}"))}"));
        await page.ScreenshotAsync(new() { Path = Screenshot("lab-resources.png"), FullPage = true });

        // The same trace on the dashboard's trace page.
        await AssertTracePageAsync(page, lab.Dashboard + DashboardLinks.TraceDetail(trace.TraceId), trace, "lab-trace-web-costapi.png", telemetry, ct);
    }

    /// <summary>
    /// Opens a trace's page and checks it shows that trace: its root span, its id, and as many spans as the API holds.
    /// Each process exports on its own schedule, so spans can still arrive after the trace first looked whole (a worker's
    /// or CostApi's, after the run span): until both agree, the trace is read again from the API and the page reloaded.
    /// </summary>
    private static async Task AssertTracePageAsync(Microsoft.Playwright.IPage page, string url, DashboardTrace trace, string screenshot,
        DashboardTelemetryClient telemetry, CancellationToken ct)
    {
        var shown = "";
        var count = "";
        for (var attempt = 0; attempt < 10; attempt++)
        {
            await page.GotoAsync(url);
            await page.GetByText(trace.Roots[0].Name).First.WaitForAsync();
            shown = await page.InnerTextAsync("body");
            count = Regex.Match(shown, @"Total spans\s*(\d+)") is { Success: true } total ? total.Groups[1].Value : "";
            if (count == trace.Spans.Count.ToString(CultureInfo.InvariantCulture))
            {
                break;
            }
            await Task.Delay(2000, ct);
            trace = await telemetry.GetTraceAsync(trace.TraceId, ct) ?? trace;
        }
        await page.ScreenshotAsync(new() { Path = Screenshot(screenshot), FullPage = true });
        Assert.True(count == trace.Spans.Count.ToString(CultureInfo.InvariantCulture),
            $"the API has {trace.Spans.Count} spans, the trace page {(count == "" ? "no span count" : count)}; it shows: {shown[..Math.Min(shown.Length, 1500)]}");
        Assert.Contains(trace.TraceId[..7], shown, StringComparison.Ordinal);
    }

    private static string Screenshot(string name)
    {
        var screenshots = Path.Combine(LabWithDashboard.RepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(screenshots);
        return Path.Combine(screenshots, name);
    }

    private async Task<IReadOnlyList<ResourceView>> ControlResourcesAsync(CancellationToken ct)
    {
        using var control = new HttpClient { BaseAddress = lab.ControlUrl };
        return (await control.GetFromJsonAsync(ControlApiRoutes.Resources, ControlPlaneJsonContext.Default.IReadOnlyListResourceView, ct))!;
    }

    /// <summary>Each row of the resources grid: its name cell (first line) and the text of its state cell.</summary>
    private static async Task<Dictionary<string, string>> ResourceRowsAsync(Microsoft.Playwright.IPage page)
    {
        var rows = await page.EvaluateAsync<string[][]>("""
            () => [...document.querySelectorAll('tr')]
                .map(r => [...r.querySelectorAll('td')].map(c => c.innerText.trim()))
                .filter(cells => cells.length > 1)
            """);
        return rows.GroupBy(cells => cells[0].Split('\n')[0].Trim()).ToDictionary(g => g.Key, g => string.Join(" / ", g.Select(cells => cells[1])));
    }

    /// <summary>What the page shows for a resource: one row, or one per replica (named resource-suffix).</summary>
    private static string Shown(Dictionary<string, string> rows, ResourceView resource)
    {
        var states = rows.Where(p => IsRowOf(p.Key, resource)).Select(p => p.Value).Distinct().ToList();
        return states.Count == 1 ? states[0] : $"[{string.Join(", ", states)}]";
    }

    /// <summary>A replica's row is named after its resource with the instance's suffix: loadworker-dpnttpte.</summary>
    private static bool IsRowOf(string row, ResourceView resource) =>
        row == resource.Name || (resource.Replicas > 1 && row.StartsWith(resource.Name + "-", StringComparison.Ordinal));

    /// <summary>The dashboard's state column: "Running" for a running, healthy resource, "Unhealthy" when a check fails.</summary>
    private static string ExpectedState(ResourceView resource) =>
        resource is { State: ResourceState.Running, Health: ResourceHealth.Healthy } ? "Running" : resource.State.ToString();
}
