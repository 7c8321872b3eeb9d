// One request end to end against a real SSE server: measurements, outcomes, no retries, trace context sent.
using System.Diagnostics;
using Lab.Contracts.Costs;
using Lab.LoadWorker.Requests;

namespace Lab.LoadWorker.Tests;

public sealed class CompletionRequesterTests : IAsyncLifetime
{
    private OpenAiSseServer _server = null!;
    private readonly CompletionRequester _requester = new(Extensions.Extensions.CreateLoadClient());

    public async ValueTask InitializeAsync() => _server = await OpenAiSseServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task<(CompletionResult Result, Classification Outcome)> SendAsync(string model, CancellationToken cancel, double timeoutSeconds = 10)
    {
        var result = await _requester.SendAsync(new CompletionCall(_server.Url, model, "hello world", 16, TimeSpan.FromSeconds(timeoutSeconds)), cancel);
        return (result, OutcomeClassifier.Classify(result.Observation));
    }

    [Fact]
    public async Task A_full_stream_is_successful_with_every_chunk_timed()
    {
        var (result, outcome) = await SendAsync("ok", TestContext.Current.CancellationToken);
        Assert.True(outcome.Successful, outcome.Error);
        Assert.Equal(16, result.Observation.OutputTokens);
        Assert.Equal(16, result.ChunkTimestamps.Count);
        Assert.Equal(512, result.PromptTokens);
        Assert.True(result.ChunkTimestamps[0] >= result.SentTimestamp);
        Assert.True(result.LastByteTimestamp >= result.ChunkTimestamps[^1]);
    }

    [Theory]
    [InlineData("short", DropReason.HttpError)]
    [InlineData("status-503", DropReason.Rejected)]
    [InlineData("status-429", DropReason.Rejected)]
    [InlineData("status-500", DropReason.HttpError)]
    [InlineData("cut", DropReason.ConnectionError)]
    public async Task Failures_are_classified_and_never_retried(string model, DropReason reason)
    {
        var before = _server.Completions;
        var (_, outcome) = await SendAsync(model, TestContext.Current.CancellationToken);
        Assert.Equal((RequestOutcome.Dropped, reason), (outcome.Outcome, outcome.Reason));
        Assert.Equal(before + 1, _server.Completions);
    }

    [Fact]
    public async Task The_case_timeout_gives_up_and_records_when()
    {
        var (result, outcome) = await SendAsync("slow", TestContext.Current.CancellationToken, timeoutSeconds: 0.3);
        Assert.Equal(DropReason.Timeout, outcome.Reason);
        Assert.NotNull(result.GivenUpTimestamp);
        Assert.Null(result.LastByteTimestamp);
    }

    [Fact]
    public async Task A_cancel_cuts_the_request_in_flight()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));
        var (_, outcome) = await SendAsync("slow", cancel.Token);
        Assert.Equal(DropReason.Cancelled, outcome.Reason);
    }

    [Fact]
    public async Task A_closed_port_is_a_connection_error()
    {
        var closed = new Uri($"http://127.0.0.1:{Lab.Testing.Processes.FreePort.Next()}/");
        var result = await _requester.SendAsync(new CompletionCall(closed, "ok", "x", 4, TimeSpan.FromSeconds(5)), TestContext.Current.CancellationToken);
        Assert.Equal(DropReason.ConnectionError, OutcomeClassifier.Classify(result.Observation).Reason);
    }

    [Fact]
    public async Task The_request_span_context_reaches_the_server_as_traceparent()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("Lab.LoadWorker.Tests");
        using var activity = source.StartActivity("request", ActivityKind.Client)!;
        await SendAsync("ok", TestContext.Current.CancellationToken);
        Assert.Contains(_server.TraceParents, t => t.Contains(activity.TraceId.ToString()));
    }
}
