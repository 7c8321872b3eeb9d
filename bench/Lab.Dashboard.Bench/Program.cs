// Measures Lab.Dashboard as the AppHost runs it (its own process, default limits): ingest rate and memory when full.
// Usage: dotnet run -c Release --project bench/Lab.Dashboard.Bench
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Lab.Dashboard.Bench;
using Lab.Hosting.Native;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

const string ApiKey = "bench-key";
var frontend = $"http://127.0.0.1:{FreePort.Next()}";
var grpc = $"http://127.0.0.1:{FreePort.Next()}";
var httpOtlp = $"http://127.0.0.1:{FreePort.Next()}";
var dashboardDll = Path.Combine(AppContext.BaseDirectory, "Lab.Dashboard.dll");

using var dashboard = Process.Start(new ProcessStartInfo("dotnet",
[
    dashboardDll, "--Dashboard:Unsecured=true", $"--Dashboard:Frontend:Url={frontend}", $"--Dashboard:Otlp:GrpcUrl={grpc}",
    $"--Dashboard:Otlp:HttpUrl={httpOtlp}", $"--Dashboard:Otlp:ApiKey={ApiKey}", "--Logging:LogLevel:Default=Warning",
])
{ RedirectStandardOutput = true, WorkingDirectory = AppContext.BaseDirectory })!;
using var http = new HttpClient();
try
{
    await WaitHealthyAsync();
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores; dashboard pid {dashboard.Id}, default limits (100k spans, 50k logs, 200k points)");
    Console.WriteLine($"idle working set: {Rss():F1} MiB");

    // 1. One scale-1 cost run at 100% sampling: 5,000 requests x 10 spans, in exports of 51 requests (510 spans, like the exporter's 512).
    await SendAsync("/v1/traces", 5_000, 51, SyntheticTelemetry.Traces, "one run (50,000 spans)", 0);
    var stats = await StatsAsync();
    Console.WriteLine($"  stored {stats.GetProperty("spans").GetProperty("stored")}, evicted {stats.GetProperty("spans").GetProperty("evicted")}, rejected {stats.GetProperty("spans").GetProperty("rejected")}");

    // 2. Sustained: 500,000 spans more (the ring holds 100k, so 450k get evicted; none may be rejected).
    await SendAsync("/v1/traces", 50_000, 51, SyntheticTelemetry.Traces, "sustained (500,000 spans)", 5_000);
    stats = await StatsAsync();
    Console.WriteLine($"  stored {stats.GetProperty("spans").GetProperty("stored")}, evicted {stats.GetProperty("spans").GetProperty("evicted")}, rejected {stats.GetProperty("spans").GetProperty("rejected")}");

    // 3. The real OpenTelemetry .NET exporter over gRPC with the AppHost's settings (batch processor, 1 s delay).
    foreach (var rate in new[] { 1_000, 2_000, 5_000 })
    {
        await RealExporterAsync(spansPerSecond: rate, seconds: 10);
    }

    // 4. Fill logs and metric points to their limits too, then read the working set.
    await SendAsync("/v1/logs", 50_000, 500, SyntheticTelemetry.Logs, "logs (50,000 records)", 0);
    await SendAsync("/v1/metrics", 200_000, 1_000, SyntheticTelemetry.Metrics, "metric points (200,000)", 0);
    stats = await StatsAsync();
    Console.WriteLine($"full: spans {stats.GetProperty("spans").GetProperty("stored")}, logs {stats.GetProperty("logs").GetProperty("stored")}, points {stats.GetProperty("metricPoints").GetProperty("stored")}");
    Console.WriteLine($"working set when full: {Rss():F1} MiB");
    await Task.Delay(TimeSpan.FromSeconds(5));
    Console.WriteLine($"working set when full, 5 s later: {Rss():F1} MiB");
    var sw = Stopwatch.StartNew();
    var list = await http.GetStringAsync($"{frontend}/api/traces?attr=lab.run.id=run-10&limit=5000");
    Console.WriteLine($"query /api/traces?attr=lab.run.id=… over a full store: {sw.ElapsedMilliseconds} ms ({JsonDocument.Parse(list).RootElement.GetArrayLength()} traces)");
}
finally
{
    dashboard.Kill();
}

async Task SendAsync(string path, long items, int perExport, Func<long, int, byte[]> build, string label, long offset)
{
    var exports = (int)((items + perExport - 1) / perExport);
    var payloads = Enumerable.Range(0, exports)
        .Select(i => build(offset + (long)i * perExport, (int)Math.Min(perExport, items - (long)i * perExport))).ToArray();
    var next = -1;
    var sw = Stopwatch.StartNew();
    // Two senders, like a couple of services exporting at once.
    await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < payloads.Length)
        {
            using var content = new ByteArrayContent(payloads[i]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            using var request = new HttpRequestMessage(HttpMethod.Post, httpOtlp + path) { Content = content };
            request.Headers.Add("x-otlp-api-key", ApiKey);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }
    })));
    var unit = path == "/v1/traces" ? items * 10 : items;
    Console.WriteLine($"{label}: {sw.Elapsed.TotalSeconds:F2} s, {unit / sw.Elapsed.TotalSeconds:N0} per second (HTTP/protobuf, {payloads.Sum(p => (long)p.Length) / 1048576.0:F1} MiB)");
}

async Task RealExporterAsync(int spansPerSecond, int seconds)
{
    var before = (await StatsAsync()).GetProperty("spans").GetProperty("received").GetInt64();
    using var source = new ActivitySource("Lab.Bench.Exporter");
    var provider = Sdk.CreateTracerProviderBuilder()
        .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("loadworker-bench"))
        .AddSource(source.Name)
        .AddOtlpExporter(o =>
        {
            o.Endpoint = new Uri(grpc);
            o.Protocol = OtlpExportProtocol.Grpc;
            o.Headers = $"x-otlp-api-key={ApiKey}";
            o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 1000; // what the AppHost sets in development
        })
        .Build();
    var sw = Stopwatch.StartNew();
    var sent = 0;
    for (var tick = 0; tick < seconds * 100; tick++)
    {
        // Paced in 10 ms steps: spansPerSecond/100 spans per step, as 10-span request traces.
        for (var t = 0; t < Math.Max(1, spansPerSecond / 1000); t++)
        {
            using var root = source.StartActivity("request", ActivityKind.Internal);
            root?.SetTag("lab.run.id", "exporter-bench");
            for (var c = 0; c < 9; c++)
            {
                using var child = source.StartActivity("step", ActivityKind.Internal);
                child?.SetTag("gen_ai.request.model", "llama-3.1-8b");
            }
            sent += 10;
        }
        var due = TimeSpan.FromMilliseconds((tick + 1) * 10);
        if (sw.Elapsed < due)
        {
            await Task.Delay(due - sw.Elapsed);
        }
    }
    provider.ForceFlush();
    provider.Dispose();
    var received = (await StatsAsync()).GetProperty("spans").GetProperty("received").GetInt64() - before;
    Console.WriteLine($"real OTLP exporter (gRPC, batch processor): sent {sent:N0} spans at {sent / sw.Elapsed.TotalSeconds:N0}/s, dashboard received {received:N0} ({sent - received:N0} lost)");
}

async Task<JsonElement> StatsAsync() => JsonDocument.Parse(await http.GetStringAsync($"{frontend}/api/telemetry/stats")).RootElement;

double Rss()
{
    foreach (var line in File.ReadLines($"/proc/{dashboard.Id}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        }
    }
    return double.NaN;
}

async Task WaitHealthyAsync()
{
    for (var i = 0; i < 100; i++)
    {
        try
        {
            if ((await http.GetAsync($"{frontend}/health")).IsSuccessStatusCode)
            {
                return;
            }
        }
        catch (HttpRequestException)
        {
            // not listening yet
        }
        await Task.Delay(200);
    }
    throw new InvalidOperationException("Lab.Dashboard did not become healthy in 20 s.");
}
