// Step lateness and server CPU with N concurrent streams: the server runs as its own process, the clients here.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Lab.Experiments.Prompts;

namespace Lab.ServingSim.Bench;

internal static class RealTimeBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var streams = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 256;
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 60;
        var port = FreePort();
        var serverDll = Path.Combine(AppContext.BaseDirectory, "Lab.ServingSim.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { serverDll, "--gpu", "H100-SXM-80GB", "--model", "llama-3.1-8b", "--max-num-seqs", "256", "--max-num-batched-tokens", "8192", "--max-model-len", "4096" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var server = Process.Start(start)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("server: " + e.Data); } };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = streams + 8 })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromMinutes(5),
            };
            await WaitHealthyAsync(http);
            var prompts = Enumerable.Range(0, 64).Select(i => PromptBuilder.Build(512, i)).ToArray();

            // Warm up, then measure only the loaded window.
            await LoadAsync(http, prompts, streams, TimeSpan.FromSeconds(5));
            var before = await ScrapeAsync(http);
            var cpuBefore = CpuSeconds(server.Id);
            var clock = Stopwatch.StartNew();
            var (completed, chunks, errors) = await LoadAsync(http, prompts, streams, TimeSpan.FromSeconds(seconds));
            var wall = clock.Elapsed.TotalSeconds;
            var cpu = CpuSeconds(server.Id) - cpuBefore;
            var after = await ScrapeAsync(http);

            Console.WriteLine($"{streams} concurrent streams, 512 prompt / 128 output tokens, {wall:F1} s measured");
            Console.WriteLine($"  completed {completed} requests ({completed / wall:F1}/s), {chunks} SSE token chunks ({chunks / wall:F0}/s), errors {errors}");
            Console.WriteLine($"  server CPU {cpu:F1} s over {wall:F1} s = {cpu / wall * 100:F0} % of one core");
            Console.WriteLine($"  engine steps {after["count"] - before["count"]:F0} in window; lateness over the whole server run: p50 {after["0.5"] * 1000:F3} ms, p99 {after["0.99"] * 1000:F3} ms, max {after["1"] * 1000:F3} ms");
            Console.WriteLine($"  server metrics: running {after["running"]}, waiting {after["waiting"]}, preemptions {after["preemptions"]}");
            return 0;
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static async Task<(long Completed, long Chunks, long Errors)> LoadAsync(HttpClient http, string[] prompts, int streams, TimeSpan duration)
    {
        long completed = 0, chunks = 0, errors = 0;
        var stopAt = DateTime.UtcNow + duration;
        await Task.WhenAll(Enumerable.Range(0, streams).Select(async client =>
        {
            var i = client;
            while (DateTime.UtcNow < stopAt)
            {
                var body = JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["model"] = "llama-3.1-8b", ["prompt"] = prompts[i++ % prompts.Length], ["max_tokens"] = 128, ["ignore_eos"] = true, ["stream"] = true,
                });
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                try
                {
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                    response.EnsureSuccessStatusCode();
                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
                    string? line;
                    while ((line = await reader.ReadLineAsync()) is not null)
                    {
                        if (line.StartsWith("data: {", StringComparison.Ordinal))
                        {
                            Interlocked.Increment(ref chunks);
                        }
                    }
                    Interlocked.Increment(ref completed);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        return (completed, chunks, errors);
    }

    private static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("/metrics");
        var values = new Dictionary<string, double>();
        foreach (var line in text.Split('\n'))
        {
            var value = line.Length == 0 || line[0] == '#' ? null : line[(line.LastIndexOf(' ') + 1)..];
            if (value is null)
            {
                continue;
            }
            var number = double.Parse(value, CultureInfo.InvariantCulture);
            if (line.StartsWith("labsim:engine_step_lateness_seconds_summary_count", StringComparison.Ordinal)) { values["count"] = number; }
            else if (line.StartsWith("labsim:engine_step_lateness_seconds_summary{", StringComparison.Ordinal))
            {
                var q = line[(line.IndexOf("quantile=\"", StringComparison.Ordinal) + 10)..];
                values[q[..q.IndexOf('"')]] = number;
            }
            else if (line.StartsWith("vllm:num_requests_running{", StringComparison.Ordinal)) { values["running"] = number; }
            else if (line.StartsWith("vllm:num_requests_waiting{", StringComparison.Ordinal)) { values["waiting"] = number; }
            else if (line.StartsWith("vllm:num_preemptions_total{", StringComparison.Ordinal)) { values["preemptions"] = number; }
        }
        return values;
    }

    private static async Task WaitHealthyAsync(HttpClient http)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The server did not become healthy within 30 s.");
    }

    /// <summary>utime + stime of a process from /proc (Linux), in seconds.</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0; // USER_HZ is 100 on Linux
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
