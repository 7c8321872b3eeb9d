// The CostApi HTTP contract, shared by every caller through Refit's generated client.
using Lab.Contracts.Experiments;
using Refit;

namespace Lab.Contracts.Costs;

/// <summary>Reads are open; every write needs <c>Authorization: Bearer &lt;lab api key&gt;</c>.</summary>
public interface ICostApi
{
    [Get("/api/prices")]
    Task<IReadOnlyList<GpuPrice>> ListPricesAsync(CancellationToken cancellationToken = default);

    [Get("/api/prices/{gpu}")]
    Task<GpuPrice> GetPriceAsync(string gpu, CancellationToken cancellationToken = default);

    [Put("/api/prices/{gpu}")]
    Task<GpuPrice> UpsertPriceAsync(string gpu, [Body] GpuPrice price, CancellationToken cancellationToken = default);

    [Get("/api/experiments")]
    Task<IReadOnlyList<ExperimentDefinition>> ListExperimentsAsync(CancellationToken cancellationToken = default);

    [Get("/api/experiments/{id}")]
    Task<ExperimentDefinition> GetExperimentAsync(string id, CancellationToken cancellationToken = default);

    [Put("/api/experiments/{id}")]
    Task<ExperimentDefinition> UpsertExperimentAsync(string id, [Body] ExperimentDefinition experiment, CancellationToken cancellationToken = default);

    [Post("/api/runs")]
    Task<RunInfo> RegisterRunAsync([Body] RegisterRunRequest request, CancellationToken cancellationToken = default);

    [Get("/api/runs")]
    Task<IReadOnlyList<RunInfo>> ListRunsAsync([Query] RunQuery query, CancellationToken cancellationToken = default);

    [Get("/api/runs/{id}")]
    Task<RunInfo> GetRunAsync(Guid id, CancellationToken cancellationToken = default);

    [Post("/api/runs/{id}/transitions")]
    Task<RunInfo> TransitionRunAsync(Guid id, [Body] RunTransitionRequest transition, CancellationToken cancellationToken = default);

    [Post("/api/runs/{id}/records")]
    // Buffered: the body goes out with its Content-Length, so CostApi reads it into one buffer of the right size.
    Task<IngestResult> IngestRecordsAsync(Guid id, [Body(buffered: true)] RecordBatch batch, CancellationToken cancellationToken = default);

    [Get("/api/runs/{id}/records")]
    Task<RecordPage> ListRecordsAsync(Guid id, RequestOutcome? outcome = null, DropReason? reason = null,
        int offset = 0, int limit = 100, CancellationToken cancellationToken = default);

    [Get("/api/runs/{id}/records.csv")]
    Task<HttpResponseMessage> ExportRecordsCsvAsync(Guid id, CancellationToken cancellationToken = default);

    [Post("/api/runs/{id}/finalize")]
    Task<RunSummary> FinalizeRunAsync(Guid id, CancellationToken cancellationToken = default);

    [Get("/api/runs/{id}/summary")]
    Task<RunSummary> GetSummaryAsync(Guid id, CancellationToken cancellationToken = default);

    [Get("/api/runs/{id}/timeseries")]
    Task<RunTimeSeries> GetTimeSeriesAsync(Guid id, CancellationToken cancellationToken = default);

    [Get("/api/experiments/{id}/matrix")]
    Task<ExperimentMatrix> GetMatrixAsync(string id, CancellationToken cancellationToken = default);

    [Put("/api/experiments/{id}/matrix/selections")]
    Task<ExperimentMatrix> PinSelectionAsync(string id, [Body] PinSelectionRequest request, CancellationToken cancellationToken = default);

    [Delete("/api/experiments/{id}/matrix/selections/{caseId}/{profileId}")]
    Task<ExperimentMatrix> UnpinSelectionAsync(string id, string caseId, string profileId, CancellationToken cancellationToken = default);

    [Get("/api/experiments/{id}/report")]
    Task<ExperimentReport> GetReportAsync(string id, CancellationToken cancellationToken = default);

    [Get("/api/experiments/{id}/report.csv")]
    Task<HttpResponseMessage> ExportReportCsvAsync(string id, CancellationToken cancellationToken = default);

    [Get("/api/decisions")]
    Task<IReadOnlyList<DecisionRecord>> ListDecisionsAsync(string? experiment = null, CancellationToken cancellationToken = default);

    [Get("/api/decisions/{id}")]
    Task<DecisionRecord> GetDecisionAsync(Guid id, CancellationToken cancellationToken = default);

    [Post("/api/decisions")]
    Task<DecisionRecord> CreateDecisionAsync([Body] DecisionRecordInput input, CancellationToken cancellationToken = default);

    [Put("/api/decisions/{id}")]
    Task<DecisionRecord> UpdateDecisionAsync(Guid id, [Body] DecisionRecordInput input, CancellationToken cancellationToken = default);
}
