// An orchestrator at the HTTP boundary that plays a scripted run, so the CLI's progress, exit codes and Ctrl+C
// handling are tested through the real Refit client without starting the lab.
using System.Net;
using System.Text;
using System.Text.Json;
using Lab.Contracts;
using Lab.Contracts.Costs;
using Lab.Contracts.Orchestration;

namespace Lab.Cli.Tests;

public sealed class ScriptedOrchestrator : HttpMessageHandler
{
    private readonly Queue<RunStatus> script;
    private readonly Guid runId = Guid.NewGuid();
    private int polls;
    private RunProgress current;

    public ScriptedOrchestrator(params RunStatus[] statuses)
    {
        script = new Queue<RunStatus>(statuses);
        current = Progress(RunStatus.Pending, 0);
    }

    public StartRunRequest? Started { get; private set; }
    public bool CancelRequested { get; private set; }
    public string? Authorization { get; private set; }
    /// <summary>Called on the given poll (1-based), e.g. to press Ctrl+C in the middle of a run.</summary>
    public (int Poll, Action Action)? OnPoll { get; init; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        switch (request.Method.Method, path)
        {
            case ("GET", "/api/experiments"):
                return Json(JsonSerializer.Serialize<IReadOnlyList<Lab.Contracts.Experiments.ExperimentDefinition>>([SeedReport.Definition], LabJsonContext.Default.IReadOnlyListExperimentDefinition));
            case ("POST", "/api/runs"):
                Authorization = request.Headers.Authorization?.ToString();
                Started = JsonSerializer.Deserialize(await request.Content!.ReadAsStringAsync(cancellationToken), LabJsonContext.Default.StartRunRequest);
                return Json(JsonSerializer.Serialize(current, LabJsonContext.Default.RunProgress));
            case ("POST", _) when path == $"/api/runs/{runId}/cancel":
                CancelRequested = true;
                current = Progress(RunStatus.Cancelled, current.Sent);
                return Json(JsonSerializer.Serialize(current, LabJsonContext.Default.RunProgress));
            case ("GET", _) when path == $"/api/runs/{runId}":
                polls++;
                if (OnPoll is { } hook && hook.Poll == polls)
                {
                    hook.Action();
                }
                if (!CancelRequested && script.TryDequeue(out var next))
                {
                    current = Progress(next, Math.Min(100, polls * 40));
                }
                return Json(JsonSerializer.Serialize(current, LabJsonContext.Default.RunProgress));
            default:
                return new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request };
        }
    }

    private RunProgress Progress(RunStatus status, int sent)
    {
        var done = status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;
        var summary = status == RunStatus.Completed ? SeedReport.Build().Matrix.Cells[1].Summary! with { RunId = runId } : null;
        return new RunProgress(runId, "cost", "steady-cost-efficiency", "optimized-batched", "http://127.0.0.1:8000", status,
            status == RunStatus.Failed ? "target not ready: /health answered 503" : null,
            100, sent, done ? sent : sent / 2, 0, done ? 0 : sent - sent / 2, polls, done ? 0 : 10, summary);
    }

    private static HttpResponseMessage Json(string body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
}

/// <summary>Ctrl+C on demand.</summary>
public sealed class PressableInterrupts : IInterrupts
{
    private Action? handler;

    public void Press() => handler?.Invoke();

    public IDisposable Subscribe(Action onInterrupt)
    {
        handler = onInterrupt;
        return new Unsubscribe(() => handler = null);
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
