// How `scale` shortens a case: the run gets shorter, the rates never change, and bursty arrivals keep their spikes.
using System.Globalization;
using Lab.Contracts.Experiments;

namespace Lab.Evidence;

public static class CaseScaling
{
    /// <summary>
    /// The rule, for every arrival kind: rates stay as defined and the duration becomes duration × scale, so a 0.1 run is
    /// the first tenth of the same process. On/off bursts are the exception: a cut before the first spike turns a burst
    /// case into a steady one at the base rate and reports the wrong physics (a burst run that never bursts passes its
    /// SLO). So a scaled bursts run is rounded up to whole burst periods, with at least as many periods as it takes to
    /// hold the first spike entirely, and never beyond the case's full duration. Spikes keep their length and rate
    /// (how far a queue builds under a spike depends on both), and with one spike per whole period the run keeps the
    /// case's mean rate.
    /// </summary>
    public static RunScaling Scale(CaseDefinition @case, double scale)
    {
        ArgumentNullException.ThrowIfNull(@case);
        if (RunScale.Problem(scale) is { } problem)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale " + problem);
        }
        var full = @case.DurationSeconds;
        var cut = full * scale;
        if (scale == 1)
        {
            return new RunScaling(scale, full, full, $"scale 1: the whole case, {Seconds(full)}.");
        }
        var arrival = @case.Arrival;
        if (arrival.Kind?.Trim().ToLowerInvariant() == "bursts" && arrival.Bursts is { PeriodSeconds: > 0 } bursts)
        {
            var period = bursts.PeriodSeconds;
            var firstSpikeEnd = Math.Max(bursts.OffsetSeconds, 0) + Math.Min(bursts.SpikeSeconds, period);
            // The small tolerance keeps 30.000000001 from becoming a second period through floating-point noise.
            var periods = Math.Max(Math.Ceiling(cut / period - 1e-9), Math.Ceiling(firstSpikeEnd / period - 1e-9));
            var run = Math.Min(Math.Max(periods, 1) * period, full);
            return new RunScaling(scale, full, run,
                $"scale {Number(scale)} of {Seconds(full)} is {Seconds(cut)}; bursts arrivals round a scaled run up to whole " +
                $"{Seconds(period)} burst periods holding at least the first full {Seconds(bursts.SpikeSeconds)} spike " +
                $"(never past the full case), so this run plans {Seconds(run)} at the case's rates.");
        }
        return new RunScaling(scale, full, cut,
            $"scale {Number(scale)}: the first {Seconds(cut)} of the {Seconds(full)} case at the same rates.");
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Seconds(double value) => Number(value) + " s";
}
