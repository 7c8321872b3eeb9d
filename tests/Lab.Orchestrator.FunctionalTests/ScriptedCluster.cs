// Stands in for the Kubernetes API in the orchestrator: tests say what a serving service's Deployment looks like.
using System.Collections.Concurrent;
using Lab.Contracts.Orchestration;
using Lab.Orchestrator.Targets;

namespace Lab.Orchestrator.FunctionalTests;

public sealed class ScriptedCluster : IServingDeploymentInspector
{
    private readonly ConcurrentDictionary<string, DeploymentReadiness> _states = new();

    /// <summary>Services without a state behave as outside a cluster (nothing to read).</summary>
    public void Set(DeploymentReadiness state) => _states[state.Service] = state;

    public Task<DeploymentReadiness?> InspectAsync(string service, CancellationToken cancellationToken) =>
        Task.FromResult(_states.GetValueOrDefault(service));
}
