// Lab.Web benchmark: first render of the experiment page with 4 selected runs of 10,000 records each, and the bytes
// the browser downloads for it. Usage: dotnet run -c Release --project bench/Lab.Web.Bench [-- records=10000 loads=5]
using System.Diagnostics;
using System.Globalization;
using Lab.Contracts;
using Aspire.Hosting.Testing;
using Lab.AppHost.Testing;
using Lab.Contracts.Costs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Playwright;

if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine("""
        Lab.Web benchmark: first render of the experiment page with 4 pinned runs, and the bytes the browser downloads.
        Starts the whole lab under Aspire (DCP, no dashboard) and Chromium from /usr/bin/chromium.
        Options (name=value):
          records=10000       synthetic records in each of the 4 pinned runs
          loads=5             cold loads of the page, each in a new browser context
        """);
    return;
}
var options = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));
var records = options.GetValueOrDefault("records", 10_000);
var loads = options.GetValueOrDefault("loads", 5);
const string ApiKey = "bench-key";
var ct = CancellationToken.None;

// No dashboard: the figures are the web's, and the machine's cores are better spent on it.
await using var lab = await RunningLab.StartAsync(["--lab-api-key", ApiKey, "--no-dashboard"], configure: QuietConsole, cancellationToken: ct);
var app = lab.App;

var services = new ServiceCollection();
services.AddCostApiClient(app.GetEndpoint("costapi", "http"), _ => ApiKey);
var costs = services.BuildServiceProvider().GetRequiredService<ICostApi>();

// The Orchestrator publishes the definitions at start-up; the benchmark seeds runs against the real one.
var definition = await costs.GetExperimentAsync("cost", ct);
var price = await costs.GetPriceAsync(definition.Profiles[0].PriceRef, ct);
foreach (var c in definition.Cases)
{
    foreach (var p in definition.Profiles)
    {
        var id = Guid.NewGuid();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);
        await costs.RegisterRunAsync(new RegisterRunRequest(id, definition.Id, c.Id, p.Id, "bench", 1, 1, records,
            new RunSnapshot(c, p, definition.Slo, price, definition.EvidenceBoundary)), ct);
        foreach (var to in new[] { RunStatus.CheckingReadiness, RunStatus.WarmingUp, RunStatus.Running, RunStatus.Draining })
        {
            await costs.TransitionRunAsync(id, new RunTransitionRequest(to, T0: to == RunStatus.Running ? t0 : null), ct);
        }
        await costs.IngestRecordsAsync(id, new RecordBatch(SyntheticRecords(t0, records, p.Id.Contains("naive", StringComparison.Ordinal))), ct);
        await costs.FinalizeRunAsync(id, ct);
        await costs.PinSelectionAsync(definition.Id, new PinSelectionRequest(c.Id, p.Id, id), ct);
    }
}

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
var url = app.GetEndpoint("web", "http").ToString().TrimEnd('/') + "/experiments/cost";
Console.WriteLine($"experiment page, 4 pinned runs × {records:N0} records, {loads} cold loads (new browser context each):");
var firstRenders = new List<double>();
for (var i = 0; i < loads; i++)
{
    await using var context = await browser.NewContextAsync();
    var page = await context.NewPageAsync();
    var cdp = await context.NewCDPSessionAsync(page);
    long bytes = 0;
    var requests = 0;
    cdp.Event("Network.loadingFinished").OnEvent += (_, e) =>
    {
        bytes += e!.Value.GetProperty("encodedDataLength").GetInt64();
        requests++;
    };
    long wsBytes = 0;
    cdp.Event("Network.webSocketFrameReceived").OnEvent += (_, e) =>
        wsBytes += e!.Value.GetProperty("response").GetProperty("payloadData").GetString()!.Length;
    await cdp.SendAsync("Network.enable");
    var clock = Stopwatch.StartNew();
    await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
    await page.Locator("article.matrix-cell").Nth(3).WaitForAsync();
    var firstRender = clock.Elapsed.TotalMilliseconds;
    await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    var fcp = await page.EvaluateAsync<double>("() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1");
    firstRenders.Add(firstRender);
    Console.WriteLine($"  load {i + 1}: four cells visible {firstRender:F0} ms, first contentful paint {fcp:F0} ms, " +
        $"{requests} HTTP responses {bytes / 1024.0:F1} KiB on the wire, circuit frames {wsBytes / 1024.0:F1} KiB");
}
firstRenders.Sort();
Console.WriteLine($"median time to four cells visible: {firstRenders[firstRenders.Count / 2]:F0} ms");

// The figures stay readable: the testing host echoes every resource's output and each start-up health probe's failure.
static void QuietConsole(IDistributedApplicationTestingBuilder builder) =>
    builder.Services.AddLogging(logging => logging.AddFilter<ConsoleLoggerProvider>((category, level) => level >= LogLevel.Warning
        && !(category ?? "").StartsWith("Lab.AppHost.Resources.", StringComparison.Ordinal)
        && category != "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService"));

// Synthetic but valid records: naive runs drop most work at a 60 s timeout, optimized ones succeed in ~1.2 s.
static IReadOnlyList<RequestRecord> SyntheticRecords(DateTimeOffset t0, int count, bool naive)
{
    var random = new Random(7);
    var list = new List<RequestRecord>(count);
    for (var i = 0; i < count; i++)
    {
        var planned = t0.AddMilliseconds(i * 45.0);
        var sent = planned.AddMilliseconds(1);
        if (naive && random.NextDouble() < 0.8)
        {
            list.Add(new RequestRecord(i, "w" + (i % 2), planned, sent, null, null, sent.AddSeconds(60), RequestOutcome.Dropped, DropReason.Timeout,
                null, 512, 0, null, null, null, null, null));
            continue;
        }
        var ttft = 30 + random.NextDouble() * 100;
        var e2e = ttft + 127 * (8 + random.NextDouble() * 2);
        list.Add(new RequestRecord(i, "w" + (i % 2), planned, sent, sent.AddMilliseconds(ttft), sent.AddMilliseconds(e2e), null, RequestOutcome.Success,
            null, 200, 512, 128, ttft, (e2e - ttft) / 127, e2e, null, null));
    }
    return list;
}
