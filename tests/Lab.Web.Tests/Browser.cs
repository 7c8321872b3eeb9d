// Debian's Chromium through Playwright (never a downloaded browser), and where screenshots go.
using Microsoft.Playwright;

namespace Lab.Web.Tests;

public sealed class Browser : IAsyncLifetime
{
    private IPlaywright? playwright;

    public IBrowser Chromium { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists("/usr/bin/chromium"))
        {
            throw new InvalidOperationException("Chromium is missing: apt-get install chromium (./scripts/test installs it).");
        }
        playwright = await Playwright.CreateAsync();
        Chromium = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task<IPage> NewPageAsync(int width = 1366, int height = 900)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        return await context.NewPageAsync();
    }

    /// <summary>artifacts/screenshots at the repository root (found by walking up to Lab.sln).</summary>
    public static string Screenshot(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lab.sln")))
        {
            dir = dir.Parent;
        }
        var folder = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }
        playwright?.Dispose();
    }
}
