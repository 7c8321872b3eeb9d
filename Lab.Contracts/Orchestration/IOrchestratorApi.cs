// The Orchestrator HTTP contract, shared by Web and the CLI through Refit's generated client.
using Lab.Contracts.Experiments;
using Refit;

namespace Lab.Contracts.Orchestration;

public interface IOrchestratorApi
{
    [Get("/api/experiments")]
    Task<IReadOnlyList<ExperimentDefinition>> ListExperimentsAsync(CancellationToken cancellationToken = default);

    [Get("/api/experiments/{id}")]
    Task<ExperimentDefinition> GetExperimentAsync(string id, CancellationToken cancellationToken = default);

    [Get("/api/experiments/{id}/readiness")]
    Task<IReadOnlyList<TargetReadiness>> GetReadinessAsync(string id, CancellationToken cancellationToken = default);

    [Post("/api/runs")]
    Task<RunProgress> StartRunAsync([Body] StartRunRequest request, CancellationToken cancellationToken = default);

    [Get("/api/runs")]
    Task<IReadOnlyList<RunProgress>> ListActiveRunsAsync(CancellationToken cancellationToken = default);

    [Get("/api/runs/{id}")]
    Task<RunProgress> GetRunAsync(Guid id, CancellationToken cancellationToken = default);

    [Post("/api/runs/{id}/cancel")]
    Task<RunProgress> CancelRunAsync(Guid id, CancellationToken cancellationToken = default);

    [Post("/api/matrix")]
    Task<MatrixProgress> StartMatrixAsync([Body] StartMatrixRequest request, CancellationToken cancellationToken = default);

    [Get("/api/matrix/{id}")]
    Task<MatrixProgress> GetMatrixAsync(Guid id, CancellationToken cancellationToken = default);
}
