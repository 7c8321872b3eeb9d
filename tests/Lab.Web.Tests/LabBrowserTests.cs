// The must-holds against the real lab, in Chromium: a run started from Start ends on the Run page with a summary and
// Plotly charts; a whole small matrix fills the experiment page's four cells, its evidence boundary and decision status.
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Lab.Web.Tests;

[Collection(LabCollection.Name)]
public sealed partial class LabBrowserTests(LabFixture lab, Browser browser)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Long = new() { Timeout = 150_000 };

    [Fact]
    public async Task The_plan_page_searches_on_the_twin_with_the_labs_prices_and_shows_the_pick_and_its_frontier()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"{lab.Web}/experiments/cost/plan");
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined");
        await Assertions.Expect(page.Locator("form[aria-label=Plan][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.Locator("#max-replicas").FillAsync("0");
        await page.Locator("fluent-button", new() { HasText = "Plan" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Most replicas must be between 1 and 64, not 0.");

        await page.Locator("#max-replicas").FillAsync("1");
        await page.Locator("#scale").FillAsync("0.1");
        await page.Locator("fluent-button", new() { HasText = "Plan" }).ClickAsync();

        // One SXM replica batching carries the steady case within the SLO; nothing on one GPU holds the burst spikes.
        await Assertions.Expect(page.Locator("#plan-steady-cost-efficiency ~ [data-role=pick]")).ToContainTextAsync("Recommended: 1 × H100-SXM-80GB", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#plan-burst-cost-efficiency ~ [data-role=no-pick]")).ToContainTextAsync("No setup in the space meets the SLO.", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("section.plan-case").First.Locator("tr", new() { HasText = "profile naive-single" })).ToContainTextAsync("SLO: miss");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('section.plan-case .js-plotly-plot .main-svg').length >= 2", null, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("section.plan-case").First).ToContainTextAsync("--write");

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.Screenshot("plan-page.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_small_run_started_from_Start_shows_live_progress_then_its_summary_and_charts()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"{lab.Web}/start?experiment=cost&case=steady-cost-efficiency&profile=optimized-batched&scale=0.1");
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined");
        await Assertions.Expect(page.Locator("li[data-profile='optimized-batched']")).ToContainTextAsync("ready", new() { Timeout = 60_000 });

        var start = page.Locator("fluent-button", new() { HasText = "Start the run" });
        await Assertions.Expect(start).Not.ToHaveAttributeAsync("disabled", new Regex(".*"), new() { Timeout = 30_000 });
        await start.ClickAsync();

        await page.WaitForURLAsync(RunUrl(), new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid=live-progress]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var sentEarly = await page.Locator("[data-metric=sent]").InnerTextAsync();

        await Assertions.Expect(page.Locator("[data-testid=slo-verdict]")).ToBeVisibleAsync(Long);
        await Assertions.Expect(page.GetByText("Evidence boundary").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".js-plotly-plot .main-svg").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        // The plots render one after another once the summary arrives: wait for all five, then count.
        try
        {
            await page.WaitForFunctionAsync("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5", null, new() { Timeout = 30_000 });
        }
        catch (PlaywrightException)
        {
            // reported by the assertion below, with the count
        }
        var plots = await page.Locator(".js-plotly-plot").CountAsync();
        Assert.True(plots >= 5, $"Every plot renders (latency CDF, per-second, TTFT, TPOT, p95 over time); found {plots}.");
        await Assertions.Expect(page.Locator("table.requests tbody tr").First).ToBeVisibleAsync();
        Assert.NotNull(sentEarly);

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.Screenshot("run-page.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task After_a_small_matrix_the_experiment_page_shows_four_cells_the_boundary_and_the_decision_status()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"{lab.Web}/start?experiment=cost&mode=matrix&scale=0.05");
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined");
        var start = page.Locator("fluent-button", new() { HasText = "Start the matrix" });
        await Assertions.Expect(start).Not.ToHaveAttributeAsync("disabled", new Regex(".*"), new() { Timeout = 60_000 });
        await start.ClickAsync();
        await Assertions.Expect(page.GetByText("See the experiment's matrix")).ToBeVisibleAsync(new() { Timeout = 170_000 });

        await page.GotoAsync($"{lab.Web}/experiments/cost");
        var cells = page.Locator("article.matrix-cell");
        await Assertions.Expect(cells).ToHaveCountAsync(4);
        for (var i = 0; i < 4; i++)
        {
            await Assertions.Expect(cells.Nth(i)).ToContainTextAsync(new Regex(@"Cost / 1K\s*\$\d+\.\d{6}"));
            await Assertions.Expect(cells.Nth(i)).ToContainTextAsync(new Regex(@"Successful / dropped\s*[\d,]+ / [\d,]+"));
            await Assertions.Expect(cells.Nth(i)).ToContainTextAsync(new Regex(@"SLO: (pass|miss)"));
        }
        await Assertions.Expect(page.Locator(".evidence-boundary").First).ToContainTextAsync("serving GPU");
        await Assertions.Expect(page.Locator("article.decision").First).ToContainTextAsync(new Regex("Supported|Contradicted|Pending"));
        await Assertions.Expect(page.Locator(".headline-card")).ToHaveCountAsync(3);

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.Screenshot("experiment-page.png"), FullPage = true });
        var phone = await browser.NewPageAsync(390, 844);
        await phone.GotoAsync($"{lab.Web}/experiments/cost");
        await Assertions.Expect(phone.Locator("article.matrix-cell")).ToHaveCountAsync(4);
        await phone.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.Screenshot("experiment-page-phone.png"), FullPage = true });
        await phone.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [GeneratedRegex(@"/runs/[0-9a-f-]{36}$")]
    private static partial Regex RunUrl();
}
