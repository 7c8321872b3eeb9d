// The experiment matrix (case × profile) and the decision records that cite it.
using Lab.Contracts.Experiments;

namespace Lab.Contracts.Costs;

public sealed record MatrixCell(string Case, string Profile, bool Pinned, RunInfo? Run, RunSummary? Summary);

public sealed record ExperimentMatrix(
    string Experiment,
    string Title,
    IReadOnlyList<MatrixCell> Cells,
    IReadOnlyList<string> Findings,
    string EvidenceBoundary,
    DateTimeOffset? ReportDate,
    IReadOnlyList<DecisionRecord> Decisions);

public sealed record PinSelectionRequest(string Case, string Profile, Guid RunId);

/// <summary>A full report: the definition, the matrix and its decisions, as exported and rendered offline.</summary>
public sealed record ExperimentReport(ExperimentDefinition Experiment, ExperimentMatrix Matrix, DateTimeOffset GeneratedAt);

public enum DecisionStatus
{
    Supported,
    Contradicted,
    Pending,
}

/// <summary>
/// A claim about matrix cells. Metric is one of the summary's metric names (cost_per_1k_successful,
/// cost_per_1m_tokens, p95_latency_s, p99_latency_s, dropped, successful, dropped_fraction, slo).
/// Comparator is lt, le, gt, ge, eq. The right side is another cell (OtherCase/OtherProfile) or Value
/// (for slo: "pass" or "miss").
/// </summary>
public sealed record Claim(
    string Metric,
    string Case,
    string Profile,
    string Comparator,
    string? OtherCase = null,
    string? OtherProfile = null,
    string? Value = null,
    string? Text = null);

public enum ClaimStatus
{
    Holds,
    Fails,
    Pending,
}

public sealed record ClaimEvaluation(Claim Claim, ClaimStatus Status, string? Left, string? Right, string Explanation);

public sealed record DecisionRecordInput(string Experiment, string Title, string Statement, IReadOnlyList<Claim> Claims);

public sealed record DecisionRecord(
    Guid Id,
    string Experiment,
    string Title,
    string Statement,
    IReadOnlyList<Claim> Claims,
    IReadOnlyList<ClaimEvaluation> Evaluations,
    DecisionStatus Status,
    DateTimeOffset UpdatedAt);
