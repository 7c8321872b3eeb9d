// The run lifecycle (README "Runs"): the legal moves, so the API can name what is allowed when a move is refused,
// and which states are terminal, for every service and page that waits on a run.
using Lab.Contracts.Costs;

namespace Lab.Evidence;

public static class RunLifecycle
{
    private static readonly RunStatus[] Forward =
    [
        RunStatus.Pending, RunStatus.CheckingReadiness, RunStatus.WarmingUp, RunStatus.Running,
        RunStatus.Draining, RunStatus.Finalizing, RunStatus.Completed,
    ];

    public static bool IsTerminal(RunStatus status) =>
        status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;

    /// <summary>The next forward step, and from any non-terminal state Failed or Cancelled.</summary>
    public static IReadOnlyList<RunStatus> AllowedFrom(RunStatus from)
    {
        if (IsTerminal(from))
        {
            return [];
        }
        var next = Forward[Array.IndexOf(Forward, from) + 1];
        return [next, RunStatus.Failed, RunStatus.Cancelled];
    }

    public static bool IsLegal(RunStatus from, RunStatus to) => AllowedFrom(from).Contains(to);
}
