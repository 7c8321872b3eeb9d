// How each run status reads on the pages (which are terminal is the lab's lifecycle: Lab.Evidence RunLifecycle).
using Lab.Contracts.Costs;

namespace Lab.Web.Model;

public static class RunStates
{
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
