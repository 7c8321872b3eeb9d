// An experiment's serving profile as the plain serving settings the Kubernetes publisher turns into a vLLM Deployment.
using Lab.Contracts.Experiments;

internal static class ServingProfiles
{
    public static ServingSettings ToServingSettings(this ProfileDefinition profile) =>
        new(profile.Id, profile.Model, profile.Gpu, profile.GpusPerReplica, profile.Replicas, profile.ServerArgs);
}
