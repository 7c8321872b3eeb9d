// Polls a run or a matrix until it ends, with a live display, and asks before cancelling on Ctrl+C.
using Spectre.Console;

namespace Lab.Cli.Rendering;

public sealed class ProgressWatch<T>(CliContext context) where T : class
{
    public required Func<T, bool> IsDone { get; init; }
    public required Func<CancellationToken, Task<T>> Poll { get; init; }
    /// <summary>Updates the live display from the latest state; the tasks it added so far are kept by name.</summary>
    public required Action<ProgressContext, Dictionary<string, ProgressTask>, T> Update { get; init; }
    /// <summary>A one-line report for logs (no live display).</summary>
    public required Func<T, string> Line { get; init; }
    /// <summary>What counts as a new phase (a line is printed at once); otherwise a line at most every LogEvery.</summary>
    public required Func<T, string> Phase { get; init; }
    public TimeSpan LogEvery { get; init; } = TimeSpan.FromSeconds(5);
    public required Func<T, CancellationToken, Task<T>> Cancel { get; init; }
    public required string CancelQuestion { get; init; }

    public async Task<T> RunAsync(T first, CancellationToken cancellationToken)
    {
        var interrupt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = context.Services.Interrupts.Subscribe(() => interrupt.TrySetResult());
        var current = first;
        var cancelling = false;
        while (!IsDone(current))
        {
            current = await WatchAsync(current, interrupt.Task, cancellationToken);
            if (!interrupt.Task.IsCompleted || IsDone(current))
            {
                continue;
            }
            interrupt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (cancelling || await ConfirmCancelAsync(cancellationToken))
            {
                cancelling = true;
                context.Error.MarkupLine("[yellow]Cancelling…[/]");
                current = await Cancel(current, cancellationToken);
            }
        }
        return current;
    }

    /// <summary>Watches until done or interrupted: a live bar on a terminal, a line per change otherwise.</summary>
    private async Task<T> WatchAsync(T current, Task interrupted, CancellationToken cancellationToken)
    {
        var live = !context.Json && context.Out.Profile.Capabilities.Interactive;
        if (!live)
        {
            string? lastPhase = null;
            var lastAt = DateTimeOffset.MinValue;
            var time = context.Services.Time;
            while (!IsDone(current) && !interrupted.IsCompleted)
            {
                var phase = Phase(current);
                if (!context.Json && (phase != lastPhase || time.GetUtcNow() - lastAt >= LogEvery))
                {
                    context.Error.WriteLine(Line(current));
                    (lastPhase, lastAt) = (phase, time.GetUtcNow());
                }
                await DelayAsync(interrupted, cancellationToken);
                current = await Poll(cancellationToken);
            }
            return current;
        }

        return await context.Out.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                Update(progress, tasks, current);
                while (!IsDone(current) && !interrupted.IsCompleted)
                {
                    await DelayAsync(interrupted, cancellationToken);
                    current = await Poll(cancellationToken);
                    Update(progress, tasks, current);
                }
                return current;
            });
    }

    private Task DelayAsync(Task interrupted, CancellationToken cancellationToken) =>
        Task.WhenAny(Task.Delay(context.Services.PollInterval, context.Services.Time, cancellationToken), interrupted);

    /// <summary>On a terminal, asks; without one (CI, pipes, --json) Ctrl+C means stop.</summary>
    private async Task<bool> ConfirmCancelAsync(CancellationToken cancellationToken)
    {
        var console = context.Json ? context.Error : context.Out;
        if (!console.Profile.Capabilities.Interactive)
        {
            return true;
        }
        return await console.ConfirmAsync(CancelQuestion, defaultValue: false, cancellationToken);
    }
}
