// Lab.ServingSim as its own process, like a vLLM service reached by URL; reads its vLLM counters from /metrics.
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Lab.Testing.Processes;

namespace Lab.Orchestrator.FunctionalTests;

public sealed partial class ServingTwinProcess : IAsyncDisposable
{
    private readonly NativeProcess _process;
    private readonly List<string> _output;
    private readonly HttpClient _http;

    private ServingTwinProcess(NativeProcess process, List<string> output, Uri url)
    {
        (_process, _output, Url) = (process, output, url);
        _http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Url { get; }

    public static async Task<ServingTwinProcess> StartAsync(string dll, IReadOnlyList<string> args)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var output = new List<string>();
        var process = NativeProcess.Start("dotnet", [dll, .. args], (line, _) => { lock (output) { output.Add(line); } },
            new Dictionary<string, string?>
            {
                ["ASPNETCORE_URLS"] = url.ToString().TrimEnd('/'),
                ["Logging__LogLevel__Default"] = "Warning",
            });
        var twin = new ServingTwinProcess(process, output, url);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Lab.ServingSim exited with {process.ExitCode}: {twin.Output}");
            }
            try
            {
                if ((await twin._http.GetAsync("health")).IsSuccessStatusCode)
                {
                    return twin;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        await twin.DisposeAsync();
        throw new TimeoutException($"Lab.ServingSim never answered /health: {twin.Output}");
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output.TakeLast(30));
            }
        }
    }

    /// <summary>vLLM's vllm:request_success_total, summed over finish reasons: requests the server completed in full.</summary>
    public async Task<long> CompletedRequestsAsync(CancellationToken cancellationToken)
    {
        var metrics = await _http.GetStringAsync("metrics", cancellationToken);
        return SuccessLine().Matches(metrics).Where(m => m.Groups["reason"].Value != "abort")
            .Sum(m => long.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex("""^vllm:request_success_total\{[^}]*finished_reason="(?<reason>[a-z]+)"\} (?<value>\d+)$""", RegexOptions.Multiline)]
    private static partial Regex SuccessLine();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
    }
}
