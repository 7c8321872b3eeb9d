// Experiments the orchestrator can run, and whether each profile's target is ready for load.
using Lab.Contracts.Experiments;
using Lab.Contracts.Orchestration;
using Lab.Orchestrator.Experiments;
using Lab.Orchestrator.Targets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lab.Orchestrator.Apis;

public static class ExperimentsApi
{
    public static IEndpointRouteBuilder MapExperimentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/experiments");
        api.MapGet("/", (ExperimentCatalog catalog) => TypedResults.Ok(catalog.Experiments));
        api.MapGet("/{id}", GetExperiment);
        api.MapGet("/{id}/readiness", GetReadinessAsync);
        return app;
    }

    private static Results<Ok<ExperimentDefinition>, ProblemHttpResult> GetExperiment(string id, ExperimentCatalog catalog) =>
        catalog.Find(id) is { } experiment ? TypedResults.Ok(experiment) : Unknown(id, catalog);

    private static async Task<Results<Ok<IReadOnlyList<TargetReadiness>>, ProblemHttpResult>> GetReadinessAsync(
        string id, ExperimentCatalog catalog, TargetResolver targets, ReadinessProbe probe, TimeProvider time, CancellationToken ct)
    {
        if (catalog.Find(id) is not { } experiment)
        {
            return Unknown(id, catalog);
        }
        var checks = experiment.Profiles.Select(async profile =>
        {
            var (target, error) = targets.Resolve(profile, null);
            return target is null
                ? new TargetReadiness(profile.Id, profile.Target ?? "", false, false, false, false, false, error, time.GetUtcNow())
                : await probe.CheckAsync(profile.Id, target, profile.Model, TargetResolver.ServiceName(profile, null), ct);
        });
        return TypedResults.Ok<IReadOnlyList<TargetReadiness>>(await Task.WhenAll(checks));
    }

    private static ProblemHttpResult Unknown(string id, ExperimentCatalog catalog) => TypedResults.Problem(
        $"unknown experiment '{id}'; valid: {string.Join(", ", catalog.Experiments.Select(e => e.Id))}", statusCode: 404, title: "Unknown experiment");
}
