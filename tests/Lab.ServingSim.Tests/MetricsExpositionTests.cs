// GET /metrics read as a Prometheus scraper reads it: every line parses, families are typed, histograms are whole.
using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Lab.ServingSim.Tests;

public sealed partial class MetricsExpositionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_parse_as_prometheus_text_with_vllm_names_and_buckets()
    {
        await using var sim = await TestServingSim.StartAsync();
        using (var done = await sim.Client.PostAsJsonAsync("/v1/completions", new { model = "llama-3.1-8b", prompt = new[] { 1, 2, 3 }, max_tokens = 7 }, Ct))
        {
            done.EnsureSuccessStatusCode();
        }

        using var response = await sim.Client.GetAsync("/metrics", Ct);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var samples = Parse(await response.Content.ReadAsStringAsync(Ct), out var types);

        // Only the twin's own families: no process or .NET runtime metrics from prometheus-net's defaults.
        Assert.All(types.Keys, name => Assert.Matches("^(vllm|labsim):", name));
        Assert.Equal("gauge", types["vllm:num_requests_waiting"]);
        Assert.Equal("counter", types["vllm:request_success_total"]);
        Assert.Equal("summary", types["labsim:engine_step_lateness_seconds_summary"]);
        Assert.Equal(10, types.Values.Count(t => t == "histogram"));

        // vLLM's TTFT boundaries, cumulative counts, and +Inf equal to _count.
        var ttft = samples.Where(s => s.Name == "vllm:time_to_first_token_seconds_bucket").ToList();
        Assert.Equal(
            [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0, double.PositiveInfinity],
            ttft.Select(s => Number(s.Labels["le"])));
        Assert.Equal(ttft.Select(s => s.Value).Order(), ttft.Select(s => s.Value));
        Assert.Equal(1, ttft[^1].Value);
        Assert.Equal(1, samples.Single(s => s.Name == "vllm:time_to_first_token_seconds_count").Value);
        Assert.All(samples, s => Assert.Equal("llama-3.1-8b", s.Labels["model_name"]));
        Assert.Equal(3, samples.Single(s => s.Name == "vllm:prompt_tokens_total").Value);
    }

    [Fact]
    public async Task Two_twins_in_one_process_count_their_own_requests()
    {
        await using var busy = await TestServingSim.StartAsync();
        await using var idle = await TestServingSim.StartAsync();
        using (var done = await busy.Client.PostAsJsonAsync("/v1/completions", new { model = "llama-3.1-8b", prompt = new[] { 1, 2, 3 }, max_tokens = 7 }, Ct))
        {
            done.EnsureSuccessStatusCode();
        }

        double Generated(string text) => Parse(text, out _).Single(s => s.Name == "vllm:generation_tokens_total").Value;
        Assert.Equal(7, Generated(await busy.Client.GetStringAsync("/metrics", Ct)));
        Assert.Equal(0, Generated(await idle.Client.GetStringAsync("/metrics", Ct)));
    }

    private sealed record Sample(string Name, Dictionary<string, string> Labels, double Value);

    /// <summary>The text exposition format 0.0.4; fails on any line a Prometheus scraper would reject.</summary>
    private static List<Sample> Parse(string text, out Dictionary<string, string> types)
    {
        types = [];
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            if (line.StartsWith('#'))
            {
                var comment = CommentLine().Match(line);
                Assert.True(comment.Success, $"bad comment line: {line}");
                if (comment.Groups["kind"].Value == "TYPE")
                {
                    Assert.True(types.TryAdd(comment.Groups["name"].Value, comment.Groups["rest"].Value), $"family typed twice: {line}");
                }
                continue;
            }
            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"bad sample line: {line}");
            var name = sample.Groups["name"].Value;
            Assert.True(types.Keys.Any(family => name == family || (name.StartsWith(family, StringComparison.Ordinal) && name[family.Length..] is "_bucket" or "_sum" or "_count")),
                $"sample before its # TYPE: {line}");
            var labels = sample.Groups["label"].Captures.Zip(sample.Groups["labelValue"].Captures).ToDictionary(p => p.First.Value, p => p.Second.Value);
            samples.Add(new Sample(name, labels, Number(sample.Groups["value"].Value)));
        }
        return samples;
    }

    private static double Number(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("""^# (?<kind>HELP|TYPE) (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<rest>.+)$""")]
    private static partial Regex CommentLine();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?<label>[a-zA-Z_][a-zA-Z0-9_]*)="(?<labelValue>(\\.|[^"\\])*)",?)*\})? (?<value>[-+]?(\d+(\.\d*)?([eE][-+]?\d+)?|Inf|NaN))$""")]
    private static partial Regex SampleLine();
}
