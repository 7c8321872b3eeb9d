// The pages in Debian's Chromium through Playwright: traces list, a trace's waterfall, resources with console and env.
using Lab.Hosting.Native;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using OpenTelemetry.Exporter;

namespace Lab.Dashboard.Tests;

public sealed class BrowserTests
{
    private static readonly string ScreenshotDirectory = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");

    [Fact]
    public async Task Traces_list_and_trace_page_render_the_waterfall_across_services()
    {
        await using var server = await DashboardServer.StartAsync();
        var traceId = OtlpSenders.SendMultiServiceTrace(server, OtlpExportProtocol.Grpc, "run-ui");
        await using var browser = await LaunchAsync();
        var page = await LoggedInPageAsync(browser, server);

        await page.GotoAsync(new Uri(server.FrontendUrl, "/traces?attr=lab.run.id=run-ui").ToString());
        var row = page.Locator($"tr[data-trace='{traceId}']");
        await row.WaitForAsync();
        Assert.Equal(1, await page.Locator("#traces tbody tr").CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "traces.png"), FullPage = true });

        await row.Locator("a").ClickAsync();
        await page.WaitForURLAsync($"**/traces/{traceId}");
        await page.Locator(".wf-row").Nth(2).WaitForAsync();
        Assert.Equal(3, await page.Locator(".wf-row").CountAsync());
        Assert.Equal(1, await page.Locator(".wf-row.error").CountAsync());
        Assert.Equal(3, await page.Locator(".wf-bar").CountAsync());
        // The error span is selected on arrival, so its attributes are on screen.
        await page.Locator("#span-details").GetByText("gen_ai.request.model").WaitForAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "trace-waterfall.png"), FullPage = true });
    }

    [Fact]
    public async Task Resources_page_shows_apphost_resources_console_and_masked_environment()
    {
        await using var apphost = await StartControlApiAsync();
        await using var server = await DashboardServer.StartAsync(new Dictionary<string, string> { ["Dashboard:ResourceServiceUrl"] = apphost.Url });
        await using var browser = await LaunchAsync();
        var page = await LoggedInPageAsync(browser, server);

        await page.GotoAsync(server.FrontendUrl.ToString());
        await page.Locator("tr[data-resource='costapi']").WaitForAsync();
        Assert.Equal(2, await page.Locator("tr[data-resource]").CountAsync());
        await page.Locator("tr[data-resource='costapi'] button").ClickAsync();
        await page.Locator("#console").GetByText("Now listening on").WaitForAsync();
        var environment = await page.Locator("main").InnerTextAsync();
        Assert.Contains("********", environment);
        Assert.DoesNotContain("hunter2", environment);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "resources.png"), FullPage = true });
    }

    [Fact]
    public async Task Pages_and_api_require_the_browser_token()
    {
        await using var server = await DashboardServer.StartAsync();
        await using var browser = await LaunchAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(server.FrontendUrl, "/traces").ToString());
        Assert.Contains("/login", page.Url);
        var api = await page.APIRequest.GetAsync(new Uri(server.FrontendUrl, "/api/traces").ToString());
        Assert.Equal(401, api.Status);
        var wrong = await page.GotoAsync(new Uri(server.FrontendUrl, "/login?t=wrong").ToString());
        Assert.Equal(401, wrong!.Status);
    }

    private static async Task<IPage> LoggedInPageAsync(OwnedBrowser browser, DashboardServer server)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(server.FrontendUrl, $"/login?t={DashboardServer.BrowserToken}").ToString());
        return page;
    }

    private sealed class OwnedBrowser(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public Task<IPage> NewPageAsync() => browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });

        public async ValueTask DisposeAsync()
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    private static async Task<OwnedBrowser> LaunchAsync()
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var playwright = await Playwright.CreateAsync();
        // Debian's Chromium; Playwright never downloads a browser here.
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return new OwnedBrowser(playwright, browser);
    }

    /// <summary>The AppHost control API contract (GET /api/resources, /api/resources/{name}/logs) served by a small host.</summary>
    private static async Task<ControlApi> StartControlApiAsync()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        app.MapGet("/api/resources", () => Results.Text("""
            [
              {"name":"costapi","type":"Project","state":"Running","health":"Healthy","replicas":1,"endpoints":["http://127.0.0.1:5101"],"pid":4242,
               "startTime":"2026-11-24T04:00:00Z","restarts":0,
               "environment":{"ConnectionStrings__labdb":"Host=127.0.0.1;Password=hunter2","ASPNETCORE_URLS":"http://127.0.0.1:5101"}},
              {"name":"redis","type":"Redis","state":"Running","health":"Healthy","replicas":1,"endpoints":["tcp://127.0.0.1:6390"],"pid":4243}
            ]
            """, "application/json"));
        app.MapGet("/api/resources/{name}/logs", (string name, long after) => Results.Text(after >= 2 ? "[]" : $$"""
            [{"seq":1,"time":"2026-11-24T04:00:01Z","text":"{{name}}: Now listening on: http://127.0.0.1:5101","isError":false,"replica":0},
             {"seq":2,"time":"2026-11-24T04:00:02Z","text":"{{name}}: warming up","isError":true,"replica":0}]
            """, "application/json"));
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new ControlApi(app, url);
    }

    private sealed record ControlApi(WebApplication App, string Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await App.DisposeAsync();
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
