// The pages in Debian's Chromium through Playwright: traces list, a trace's waterfall, resources with console and env.
using Lab.Hosting;
using Lab.Hosting.Testing;
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
        // Playwright's 30 s default is what a loaded 2-core CI machine once needed for a page load (the trace page's
        // load event, 2026-12-03); the assertions wait for elements, so a longer limit only matters when it is slow.
        page.SetDefaultTimeout(90_000);
        page.SetDefaultNavigationTimeout(90_000);
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

    /// <summary>
    /// The AppHost's real control API (Lab.Hosting through the testing builder) with two resources: "costapi", which
    /// logs two lines and is handed a connection string with a password, and "redis".
    /// </summary>
    private static async Task<ControlApi> StartControlApiAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddExecutable("costapi", "/bin/sh", ".", "-c",
                "echo 'costapi: Now listening on: http://127.0.0.1:5101'; echo 'costapi: warming up' >&2; exec sleep 300")
            .WithHttpEndpoint()
            .WithEnvironment("ConnectionStrings__labdb", "Host=127.0.0.1;Password=hunter2");
        builder.AddExecutable("redis", "/bin/sleep", ".", "300");
        var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        await app.WaitForAllHealthyAsync(ct).WaitAsync(TimeSpan.FromMinutes(1), ct);
        return new ControlApi(builder, app, app.ControlUrl!.ToString());
    }

    private sealed record ControlApi(IDistributedApplicationTestingBuilder Builder, DistributedApplication App, string Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
            await Builder.DisposeAsync();
        }
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
