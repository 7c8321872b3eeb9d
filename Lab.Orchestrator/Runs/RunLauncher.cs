// Validates a start request, freezes the run's snapshot in CostApi and starts driving it in the background.
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Lab.Contracts.Orchestration;
using Lab.Orchestrator.Experiments;
using Lab.Orchestrator.Planning;
using Lab.Orchestrator.Targets;
using Lab.Evidence;

namespace Lab.Orchestrator.Runs;

/// <summary>Why a start was refused: field errors (400), a busy target (409) or an upstream failure (502).</summary>
public sealed record LaunchError(IDictionary<string, string[]>? Fields = null, string? Conflict = null, string? Upstream = null);

public sealed class RunLauncher(
    ExperimentCatalog catalog, TargetResolver targets, RunRegistry registry, RunCoordinator coordinator, ICostApi costApi,
    IHostApplicationLifetime lifetime, TimeProvider time)
{
    public const long DefaultSeed = 42;

    public (ExperimentDefinition? Experiment, CaseDefinition? Case, ProfileDefinition? Profile, IDictionary<string, string[]>? Errors) Validate(
        string experimentId, string? caseId, string? profileId)
    {
        var errors = new Dictionary<string, string[]>();
        var experiment = catalog.Find(experimentId);
        if (experiment is null)
        {
            errors["experiment"] = [$"unknown experiment '{experimentId}'; valid: {string.Join(", ", catalog.Experiments.Select(e => e.Id))}"];
            return (null, null, null, errors);
        }
        var @case = caseId is null ? null : experiment.Cases.FirstOrDefault(c => c.Id == caseId);
        if (caseId is not null && @case is null)
        {
            errors["case"] = [$"unknown case '{caseId}' in experiment '{experiment.Id}'; valid: {string.Join(", ", experiment.Cases.Select(c => c.Id))}"];
        }
        var profile = profileId is null ? null : experiment.Profiles.FirstOrDefault(p => p.Id == profileId);
        if (profileId is not null && profile is null)
        {
            errors["profile"] = [$"unknown profile '{profileId}' in experiment '{experiment.Id}'; valid: {string.Join(", ", experiment.Profiles.Select(p => p.Id))}"];
        }
        return (experiment, @case, profile, errors.Count > 0 ? errors : null);
    }

    public async Task<(RunHandle? Run, LaunchError? Error)> StartAsync(StartRunRequest request, CancellationToken cancellationToken)
    {
        var (experiment, @case, profile, errors) = Validate(request.Experiment, request.Case ?? "", request.Profile ?? "");
        if (errors is not null)
        {
            return (null, new LaunchError(errors));
        }
        var scale = request.Scale ?? 1;
        if (RunScale.Problem(scale) is { } scaleProblem)
        {
            return (null, new LaunchError(new Dictionary<string, string[]> { ["scale"] = [scaleProblem] }));
        }
        var (target, targetError) = targets.Resolve(profile!, request.Target);
        if (target is null)
        {
            return (null, new LaunchError(new Dictionary<string, string[]> { ["target"] = [targetError!] }));
        }
        var seed = request.Seed ?? DefaultSeed;
        var plan = RunPlanner.Plan(@case!, scale, seed, catalog.Directory);
        var run = new RunHandle(Guid.NewGuid(), experiment!, @case!, profile!, target, seed, scale, plan, time.GetUtcNow())
        {
            Service = TargetResolver.ServiceName(profile!, request.Target),
        };
        if (!registry.TryOccupy(target, run.RunId, out var holder))
        {
            return (null, new LaunchError(Conflict: $"target {target} is busy with run {holder}; one run per target at a time (wait for it or cancel it)"));
        }
        try
        {
            var price = await costApi.GetPriceAsync(profile!.PriceRef, cancellationToken);
            await costApi.RegisterRunAsync(new RegisterRunRequest(run.RunId, experiment!.Id, @case!.Id, profile.Id, target.ToString(), seed, scale,
                plan.Scheduled, new RunSnapshot(@case with { DurationSeconds = plan.DurationSeconds }, profile, experiment.Slo, price, experiment.EvidenceBoundary, plan.Scaling)), cancellationToken);
        }
        catch (Exception e)
        {
            registry.Release(run);
            return (null, new LaunchError(Upstream: $"CostApi refused to register the run: {e.Message}"));
        }
        registry.Add(run);
        // The run outlives the HTTP request that started it; it stops only with the application.
        run.Completion = Task.Run(() => coordinator.DriveAsync(run, lifetime.ApplicationStopping), CancellationToken.None);
        return (run, null);
    }
}
