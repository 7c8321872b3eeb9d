// Which run statuses are still moving, and how each reads.
using Lab.Contracts.Costs;

namespace Lab.Web.Model;

public static class RunStates
{
    public static bool IsTerminal(RunStatus status) => status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;

    public static string Label(RunStatus status) => status switch
    {
        RunStatus.CheckingReadiness => "checking readiness",
        RunStatus.WarmingUp => "warming up",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>Fraction of the schedule that has finished (succeeded or dropped), for the progress bar.</summary>
    public static double Done(int scheduled, int succeeded, int dropped) =>
        scheduled <= 0 ? 0 : Math.Clamp((succeeded + dropped) / (double)scheduled, 0, 1);
}
