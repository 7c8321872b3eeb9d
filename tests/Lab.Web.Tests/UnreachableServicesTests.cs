// Lab.Web on real Kestrel with CostApi and the Orchestrator pointing at a closed port: every page must say what failed.
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;

namespace Lab.Web.Tests;

public sealed class WebWithoutServices : WebApplicationFactory<Lab.Web.Model.LabWebOptions>
{
    /// <summary>A port that was free a moment ago and that nothing listens on.</summary>
    private static readonly string Closed = $"http://127.0.0.1:{ClosedPort()}";

    public WebWithoutServices() => UseKestrel(0);

    public string BaseAddress => ClientOptions.BaseAddress.ToString().TrimEnd('/');

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:costapi:http:0"] = Closed,
            ["services:orchestrator:http:0"] = Closed,
            ["Lab:ApiKey"] = "test-key",
        }));

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed class UnreachableServicesTests(WebWithoutServices web, Browser browser) : IClassFixture<WebWithoutServices>, IClassFixture<Browser>
{
    [Theory]
    [InlineData("/experiments/cost", "Could not reach the service to load experiment 'cost'")]
    [InlineData("/experiments/cost/plan", "Could not reach the service to load experiment 'cost' and the GPU prices")]
    [InlineData("/experiments", "Could not reach the service to load the experiments")]
    [InlineData("/start", "Could not reach the service to load the experiments")]
    [InlineData("/decisions", "Could not reach the service to load the decisions")]
    [InlineData("/prices", "Could not reach the service to load the GPU prices")]
    public async Task A_failing_api_call_shows_a_message_not_a_blank_page(string path, string title)
    {
        web.StartServer();
        var page = await browser.NewPageAsync();

        var response = await page.GotoAsync(web.BaseAddress + path);

        Assert.Equal(200, response!.Status);
        var alert = page.GetByRole(AriaRole.Alert).First;
        await Assertions.Expect(alert).ToContainTextAsync(title);
        await Assertions.Expect(alert).ToContainTextAsync("./scripts/lab");
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeVisibleAsync();
        if (path == "/experiments/cost")
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.Screenshot("error-unreachable-costapi.png"), FullPage = true });
        }
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_unknown_address_says_where_to_go()
    {
        web.StartServer();
        var page = await browser.NewPageAsync(390, 844);

        await page.GotoAsync(web.BaseAddress + "/no-such-page");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Nothing here" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
