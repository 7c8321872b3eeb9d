// Outcome and drop reason for every way a request can end (Lab.Evidence/README.md definitions).
using Lab.Contracts.Costs;
using Lab.LoadWorker.Requests;

namespace Lab.LoadWorker.Tests;

public sealed class OutcomeClassifierTests
{
    private static readonly RequestObservation Complete = new(128, HttpStatus: 200, StreamFinished: true, OutputTokens: 128, FinishReason: "length");

    [Theory]
    [InlineData("length")]
    [InlineData("stop")]
    public void Full_output_with_a_final_event_is_successful(string finish) =>
        Assert.Equal(new Classification(RequestOutcome.Success, null, null), OutcomeClassifier.Classify(Complete with { FinishReason = finish }));

    [Theory]
    [InlineData(429, DropReason.Rejected)]
    [InlineData(503, DropReason.Rejected)]
    [InlineData(400, DropReason.HttpError)]
    [InlineData(500, DropReason.HttpError)]
    [InlineData(404, DropReason.HttpError)]
    public void Error_statuses_are_rejected_or_http_errors(int status, DropReason reason)
    {
        var result = OutcomeClassifier.Classify(new RequestObservation(128, HttpStatus: status));
        Assert.Equal((RequestOutcome.Dropped, reason), (result.Outcome, result.Reason));
        Assert.Contains(status.ToString(), result.Error);
    }

    [Fact]
    public void A_socket_failure_is_a_connection_error() =>
        Assert.Equal(DropReason.ConnectionError, OutcomeClassifier.Classify(new RequestObservation(128, TransportError: "Connection refused")).Reason);

    [Fact]
    public void A_stream_cut_before_done_is_a_connection_error_even_with_all_tokens() =>
        Assert.Equal(DropReason.ConnectionError, OutcomeClassifier.Classify(Complete with { StreamFinished = false }).Reason);

    [Fact]
    public void Fewer_tokens_than_asked_is_not_successful()
    {
        var result = OutcomeClassifier.Classify(Complete with { OutputTokens = 57, FinishReason = "stop" });
        Assert.Equal(RequestOutcome.Dropped, result.Outcome);
        Assert.Contains("57 of 128", result.Error);
    }

    [Fact]
    public void An_unexpected_finish_reason_is_not_successful() =>
        Assert.Equal(RequestOutcome.Dropped, OutcomeClassifier.Classify(Complete with { FinishReason = "abort" }).Outcome);

    [Fact]
    public void Our_timeout_wins_over_what_the_server_said() =>
        Assert.Equal(DropReason.Timeout, OutcomeClassifier.Classify(Complete with { TimedOut = true, StreamFinished = false }).Reason);

    [Fact]
    public void A_cancel_wins_over_a_timeout() =>
        Assert.Equal(DropReason.Cancelled, OutcomeClassifier.Classify(Complete with { TimedOut = true, Cancelled = true }).Reason);
}
