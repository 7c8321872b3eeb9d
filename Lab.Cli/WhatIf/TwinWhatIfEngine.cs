// whatif's engine: the GPU twin (Lab.ServingSim.Engine) in virtual time, fed the run's seeded schedule. How a profile's
// flags become the twin's engine is Lab.ServingSim.Planner's TwinSetups, the same mapping the planner uses.
using Lab.Contracts.Experiments;
using Lab.Evidence;
using Lab.ServingSim.Engine.Hardware;
using Lab.ServingSim.Engine.Simulation;
using Lab.ServingSim.Planner;

namespace Lab.Cli.WhatIf;

public sealed class TwinWhatIfEngine(HardwareProfiles hardware) : IWhatIfEngine
{
    public TwinWhatIfEngine() : this(HardwareProfiles.Default)
    {
    }

    public IReadOnlyCollection<string> ServerArgs => TwinSetups.ServerArgs;

    public HardwareProfiles Hardware => hardware;

    /// <summary>A fixed origin: what-if records are relative to t0, and a fixed one keeps every answer reproducible.</summary>
    public static DateTimeOffset Origin => TwinSetups.Origin;

    public TwinRun Simulate(CaseDefinition workload, ProfileDefinition profile, RunSchedule schedule, CancellationToken cancellationToken)
    {
        HardwareProfile entry;
        try
        {
            entry = TwinSetups.Hardware(hardware, profile);
        }
        catch (KeyNotFoundException e)
        {
            throw new CliError($"Profile {profile.Id}: {e.Message}", ExitCodes.Failure, "The twin is calibrated per GPU × model in Lab.ServingSim.Engine/Data/hardware-profiles.json.");
        }
        try
        {
            return TwinSetups.Simulate(workload, TwinSetups.Config(entry, profile.ServerArgs), profile.Replicas, schedule, cancellationToken);
        }
        catch (ArgumentException e)
        {
            throw CliError.Usage($"Profile {profile.Id}: {e.Message}");
        }
    }
}
