// The whole lab with the real Aspire dashboard: the AppHost starts the dashboard and hands every resource its OTLP
// endpoint and API key, so the tests read telemetry that took the real export path, through the dashboard's own API.
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Lab.AppHost.Testing;
using Lab.Dashboard.Client;
using Microsoft.Playwright;

namespace Lab.Dashboard.EndToEndTests;

public sealed class LabWithDashboard : IAsyncLifetime
{
    private RunningLab? _lab;
    private IPlaywright? _playwright;

    public DistributedApplication App => _lab!.App;

    /// <summary>The AppHost's control API (what the lab CLI reads).</summary>
    public Uri ControlUrl => _lab!.ControlUrl;

    /// <summary>The login URL the AppHost makes for a browser: the dashboard's address with <c>?t=</c> its browser token.</summary>
    public Uri LoginUrl { get; private set; } = null!;

    /// <summary>The dashboard's address (scheme, host and port), as web's trace links must start.</summary>
    public string Dashboard => LoginUrl.GetLeftPart(UriPartial.Authority);

    /// <summary>The dashboard's telemetry API, with the API key the login token was traded for.</summary>
    public DashboardTelemetryClient Telemetry { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _lab = await RunningLab.StartAsync([], dashboard: true, cancellationToken: ct);
        LoginUrl = await App.GetDashboardUrlAsync(ct);
        Telemetry = await DashboardTelemetryClient.ConnectAsync(LoginUrl, ct);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Timeout = 90_000,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A new page logged in to the dashboard the way a person is: through the login URL the AppHost made.</summary>
    public async Task<IPage> LoggedInPageAsync()
    {
        var page = await Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        // Blazor pages on two loaded cores: the 30 s defaults were seen to run out.
        page.SetDefaultTimeout(90_000);
        page.SetDefaultNavigationTimeout(90_000);
        await page.GotoAsync(LoginUrl.ToString());
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        Telemetry?.Dispose();
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }

    /// <summary>Exporters batch (1 s for spans and logs under Aspire, processes on their own schedules): poll for a bounded while.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, int seconds = 45) where T : class
    {
        for (var attempt = 0; attempt < seconds * 2; attempt++)
        {
            if (await probe() is { } found)
            {
                return found;
            }
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException($"The dashboard did not receive {what} within {seconds} s.");
    }

    /// <summary>The repository's root (where Lab.sln is), for artifacts such as screenshots.</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Lab.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? AppContext.BaseDirectory;
    }
}
