// The run page's numbers: CDFs, histograms, request phases, readiness gating, API errors and trace links.
using System.Net;
using System.Net.Sockets;
using Lab.Contracts;
using Lab.Contracts.Costs;
using Lab.Contracts.Orchestration;
using Lab.Web.Model;
using Microsoft.Extensions.Options;
using Refit;

namespace Lab.Web.Tests;

public sealed class RunViewTests
{
    [Fact]
    public void Cdf_is_sorted_ends_at_one_and_keeps_the_maximum_when_thinned()
    {
        var values = Enumerable.Range(1, 1000).Select(i => (double)(1001 - i)).ToList();

        var cdf = Distributions.Cdf(values, maxPoints: 100);

        Assert.True(cdf.Count <= 101);
        Assert.Equal(cdf.X.Order(), cdf.X);
        Assert.Equal(1000, cdf.X[^1]);
        Assert.Equal(1, cdf.Y[^1]);
        Assert.Equal(0.01, cdf.Y[0], 6);
    }

    [Fact]
    public void All_scheduled_latency_counts_dropped_requests_at_their_give_up_time()
    {
        var records = new[]
        {
            Fixtures.Record(0, RequestOutcome.Success, e2eMs: 1000),
            Fixtures.Record(1, RequestOutcome.Dropped, givenUpAt: DateTimeOffset.UnixEpoch.AddSeconds(1 + 60), reason: DropReason.Timeout),
        };

        var (successful, all) = Distributions.LatencyCdfs(records);

        Assert.Equal([1.0], successful.X);
        Assert.Equal([1.0, 60.0], all.X);
        Assert.Equal([0.5, 1.0], all.Y);
    }

    [Fact]
    public void Histogram_counts_every_value_once()
    {
        var histogram = Distributions.Histogram([1, 2, 2, 3, 10], bins: 3);

        Assert.Equal(5, histogram.Y.Sum());
        Assert.Equal(3, histogram.Count);
        Assert.Equal([4.0, 0.0, 1.0], histogram.Y);
    }

    [Fact]
    public void Histogram_of_identical_values_is_one_bar()
    {
        var histogram = Distributions.Histogram([7, 7, 7]);

        Assert.Equal([7.0], histogram.X);
        Assert.Equal([3.0], histogram.Y);
    }

    [Fact]
    public void Server_phases_win_over_the_client_view_when_reported()
    {
        var path = RequestPhases.Of(Fixtures.Record(0, RequestOutcome.Success, e2eMs: 1500, ttftMs: 300, queueMs: 200, prefillMs: 90, decodeMs: 1200));

        Assert.Equal("server", path.Source);
        Assert.Equal(["queue", "prefill", "decode"], path.Phases.Select(p => p.Name));
    }

    [Fact]
    public void Without_server_phases_the_client_sees_ttft_then_decode()
    {
        var path = RequestPhases.Of(Fixtures.Record(0, RequestOutcome.Success, e2eMs: 1500, ttftMs: 300));

        Assert.Equal("client", path.Source);
        Assert.Equal([new Phase("TTFT", 300), new Phase("decode", 1200)], path.Phases);
        Assert.Equal("TTFT 300 ms · decode 1,200 ms", RequestPhases.Describe(path));
    }

    [Fact]
    public void Dropped_requests_name_their_reason_the_lab_way() =>
        Assert.Equal("dropped: connection_error", RequestPhases.Outcome(Fixtures.Record(0, RequestOutcome.Dropped, reason: DropReason.ConnectionError)));

    [Fact]
    public void Time_series_splits_into_lines_and_p95_skips_empty_seconds()
    {
        var view = RunTimeSeriesView.From(new RunTimeSeries(Guid.NewGuid(),
        [
            new TimeSeriesPoint(1, 5, 3, 1, 2, null),
            new TimeSeriesPoint(0, 4, 4, 0, 1, 1500),
        ]));

        Assert.Equal([0.0, 1.0], view.Sent.X);
        Assert.Equal([4.0, 5.0], view.Sent.Y);
        Assert.Equal([1.0, 2.0], view.InFlight.Y);
        Assert.Equal([1.5], view.P95Seconds.Y);
    }

    [Fact]
    public void Problem_details_become_title_detail_and_field_errors()
    {
        var api = ApiError(HttpStatusCode.BadRequest,
            """{"title":"One or more validation errors occurred.","detail":"Check the fields.","errors":{"profile":["Allowed values: naive-single, optimized-batched."]}}""");

        var problem = ApiProblem.From(api, "start the run");

        Assert.Equal("One or more validation errors occurred.", problem.Title);
        Assert.Equal("Check the fields.", problem.Detail);
        Assert.Equal(["profile: Allowed values: naive-single, optimized-batched."], problem.Errors);
    }

    [Fact]
    public void A_body_that_is_not_json_falls_back_to_the_status_line()
    {
        var problem = ApiProblem.From(ApiError(HttpStatusCode.BadGateway, "<html>bad gateway</html>"), "load the run");

        Assert.Equal("Could not load the run", problem.Title);
        Assert.StartsWith("502", problem.Detail);
    }

    [Fact]
    public void Refused_writes_say_which_key_is_needed() =>
        Assert.Contains("Lab__ApiKey", ApiProblem.From(ApiError(HttpStatusCode.Unauthorized, ""), "pin the run").Detail);

    [Fact]
    public void An_unreachable_service_says_so_and_what_to_do()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:9)", new SocketException((int)SocketError.ConnectionRefused));

        var problem = ApiProblem.From(refused, "load experiment 'cost'");

        Assert.Equal("Could not reach the service to load experiment 'cost'", problem.Title);
        Assert.Contains("./scripts/lab", problem.Detail);
    }

    [Fact]
    public void Start_is_blocked_with_a_reason_until_the_chosen_target_is_ready()
    {
        var definition = Fixtures.Definition();
        TargetReadiness Ready(string profile, string target, bool ready) =>
            new(profile, target, ready, true, true, true, ready, ready ? null : "warm-up failed: 503", DateTimeOffset.UnixEpoch);
        var readiness = new[] { Ready(Fixtures.Naive, "gpu-naive", false), Ready(Fixtures.Optimized, "gpu-optimized", true) };

        Assert.Null(StartReadiness.Blocked("run", definition, Fixtures.Steady, Fixtures.Optimized, "gpu-optimized", 0.1, readiness));
        Assert.Equal("Target gpu-naive is not ready: warm-up failed: 503",
            StartReadiness.Blocked("run", definition, Fixtures.Steady, Fixtures.Naive, "gpu-naive", 0.1, readiness));
        Assert.Contains("naive-single", StartReadiness.Blocked("matrix", definition, null, null, null, 0.1, readiness));
        Assert.Equal("Scale must be above 0 and at most 1.", StartReadiness.Blocked("run", definition, Fixtures.Steady, Fixtures.Optimized, "gpu-optimized", 0, readiness));
        Assert.Equal("Waiting for the targets' readiness.", StartReadiness.Blocked("run", definition, Fixtures.Steady, Fixtures.Optimized, "gpu-optimized", 0.1, null));
    }

    [Fact]
    public void Trace_links_fill_the_template_only_when_configured()
    {
        var options = new LabWebOptions { TraceLinkTemplate = "http://127.0.0.1:18889/traces/detail/{traceId}" };

        Assert.Equal("http://127.0.0.1:18889/traces/detail/abc123", options.TraceLink("abc123"));
        Assert.Null(options.TraceLink(null));
        Assert.Null(new LabWebOptions().TraceLink("abc123"));
    }

    [Fact]
    public void Run_trace_links_fill_the_run_id_only_when_configured()
    {
        var runId = Guid.Parse("0b3c1f6e-52a4-4a55-9d0e-5f6a7b8c9d0e");
        var options = new LabWebOptions { RunTraceLinkTemplate = "http://127.0.0.1:18889/traces?filters=lab.run.id:equals:{runId}" };

        Assert.Equal("http://127.0.0.1:18889/traces?filters=lab.run.id:equals:0b3c1f6e-52a4-4a55-9d0e-5f6a7b8c9d0e", options.RunTraceLink(runId));
        Assert.Null(new LabWebOptions().RunTraceLink(runId));
    }

    [Fact]
    public void Editing_unlocks_only_with_the_configured_key()
    {
        var session = new EditorSession(Options.Create(new LabWebOptions { ApiKey = "s3cret" }));

        Assert.False(session.TryUnlock("wrong"));
        Assert.False(session.Unlocked);
        Assert.True(session.TryUnlock("s3cret"));
        Assert.False(new EditorSession(Options.Create(new LabWebOptions())).TryUnlock(""));
    }

    [Fact]
    public void Decision_drafts_round_trip_and_name_the_allowed_values()
    {
        var definition = Fixtures.Definition();
        var claim = new Claim("slo", Fixtures.Steady, Fixtures.Optimized, "eq", Value: "pass", Text: "Steady optimized passes.");
        var draft = DecisionDraft.From(new DecisionRecord(Guid.NewGuid(), "cost", "T", "S", [claim], [], DecisionStatus.Pending, DateTimeOffset.UnixEpoch));

        Assert.Equal(claim, draft.ToInput().Claims.Single());
        Assert.Empty(draft.Validate(definition));

        draft.Claims[0].Value = "maybe";
        draft.Claims[0].Case = "nope";
        var errors = draft.Validate(definition);
        Assert.Contains("Claim 1 value: for slo the allowed values are pass, miss.", errors);
        Assert.Contains(errors, e => e.StartsWith("Claim 1 case: allowed values are", StringComparison.Ordinal));
    }

    private static ApiException ApiError(HttpStatusCode status, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "http://costapi/api/runs");
        var response = new HttpResponseMessage(status) { Content = new StringContent(body), RequestMessage = request };
        return ApiException.Create(request, HttpMethod.Get, response, LabClients.Settings).GetAwaiter().GetResult();
    }
}
