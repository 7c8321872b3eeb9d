// A real-time engine loop that fails or stops ends its open requests with an error and reports unhealthy, never hangs them.
using System.Net;
using System.Text;
using Lab.ServingSim.Engine.Scheduling;
using Lab.ServingSim.Serving;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lab.ServingSim.Tests;

public sealed class EngineLoopFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The system clock, until broken: then every read on the engine thread throws (other threads still read it).</summary>
    private sealed class BreakableClock : TimeProvider
    {
        private volatile bool _broken;

        public void Break() => _broken = true;

        public override long GetTimestamp() => _broken && Thread.CurrentThread.Name == "serving-engine"
            ? throw new InvalidOperationException("the engine clock broke")
            : base.GetTimestamp();
    }

    private static RealTimeEngineLoop NewLoop(TimeProvider clock) => new(
        TestServingSim.DefaultEngine, clock, new ServerMetrics(Prometheus.Metrics.NewCustomRegistry(), "llama-3.1-8b"), NullLogger<RealTimeEngineLoop>.Instance);

    private static InferenceStream Open(long id, int outputTokens)
    {
        var request = new EngineRequest(id, 512, outputTokens);
        var stream = new InferenceStream(request);
        request.Tag = stream;
        return stream;
    }

    /// <summary>Reads every token (a channel's Completion only ends once it is drained) up to the end or the error.</summary>
    private static async Task DrainAsync(InferenceStream stream)
    {
        await foreach (var _ in stream.Tokens.ReadAllAsync(Ct))
        {
        }
    }

    [Fact]
    public async Task A_failing_loop_ends_open_streams_with_its_fault_refuses_new_requests_and_reports_it()
    {
        var clock = new BreakableClock();
        using var loop = NewLoop(clock);
        loop.Start();
        var stream = Open(1, 3000);
        Assert.Equal(Admission.Accepted, loop.Submit(stream.Request));
        Assert.True(await stream.Tokens.WaitToReadAsync(Ct)); // the engine is stepping and has emitted a token

        clock.Break();

        var error = await Assert.ThrowsAsync<EngineStoppedException>(() => DrainAsync(stream)).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Contains("the engine clock broke", error.Message);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.False(loop.IsRunning);
        Assert.Same(error.InnerException, loop.Fault);
        Assert.Throws<EngineStoppedException>(() => loop.Submit(Open(2, 10).Request));
    }

    [Fact]
    public async Task Stopping_the_loop_ends_open_streams_with_an_error_instead_of_leaving_them_open()
    {
        var loop = NewLoop(TimeProvider.System);
        loop.Start();
        var running = Open(1, 3000);
        Assert.Equal(Admission.Accepted, loop.Submit(running.Request));
        Assert.True(await running.Tokens.WaitToReadAsync(Ct));

        loop.Dispose();

        var error = await Assert.ThrowsAsync<EngineStoppedException>(() => DrainAsync(running)).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Contains("shutting down", error.Message);
        Assert.Null(loop.Fault);
        Assert.False(loop.IsRunning);
        Assert.Throws<EngineStoppedException>(() => loop.Submit(Open(2, 10).Request));
    }

    [Fact]
    public async Task Over_http_a_failed_engine_ends_the_stream_with_an_error_event_answers_500_and_health_503()
    {
        var clock = new BreakableClock();
        await using var sim = await TestServingSim.StartAsync(clock: clock);
        using var response = await sim.Client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
            {
                Content = new StringContent("{\"model\":\"llama-3.1-8b\",\"prompt\":\"hi\",\"max_tokens\":3000,\"stream\":true}", Encoding.UTF8, "application/json"),
            },
            HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        while (sim.Loop.Snapshot().Running == 0)
        {
            await Task.Delay(5, Ct);
        }

        clock.Break();

        var sse = await SseClient.ReadAsync(response, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Empty(sse.Violations);
        Assert.True(sse.Done);
        var last = sse.Chunks[^1].GetProperty("error");
        Assert.Equal("InternalServerError", last.GetProperty("type").GetString());
        Assert.Contains("the engine clock broke", last.GetProperty("message").GetString());
        Assert.All(sse.Chunks.SkipLast(1), chunk => Assert.Equal("text_completion", chunk.GetProperty("object").GetString()));

        using var health = await sim.Client.GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("Unhealthy", await health.Content.ReadAsStringAsync(Ct));

        using var refused = await sim.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = new StringContent("{\"model\":\"llama-3.1-8b\",\"prompt\":\"hi\",\"max_tokens\":5}", Encoding.UTF8, "application/json"),
        }, Ct);
        await HttpApiTests.AssertErrorAsync(refused, HttpStatusCode.InternalServerError, "InternalServerError", null, "The serving engine failed");
    }
}
