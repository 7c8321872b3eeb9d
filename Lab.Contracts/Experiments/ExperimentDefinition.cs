// Experiment definitions as they travel between services and are frozen into run snapshots.
namespace Lab.Contracts.Experiments;

/// <summary>An experiment crosses cases (workloads) with profiles (server configurations) under one SLO.</summary>
public sealed record ExperimentDefinition(
    string Id,
    string Title,
    string Question,
    string Focus,
    string WhyItMatters,
    IReadOnlyList<CaseDefinition> Cases,
    IReadOnlyList<ProfileDefinition> Profiles,
    IReadOnlyList<MetricGroup> MetricGroups,
    SloDefinition Slo,
    string EvidenceBoundary,
    IReadOnlyList<DecisionLink> DecisionLinks,
    string? Calibration = null);

/// <summary>A workload: token shape, arrival process, how long it runs and how long a client waits.</summary>
public sealed record CaseDefinition(
    string Id,
    string Description,
    int PromptTokens,
    int OutputTokens,
    ArrivalDefinition Arrival,
    double DurationSeconds,
    double TimeoutSeconds);

/// <summary>
/// How a run at a scale below 1 was cut from its case (Lab.Experiments' CaseScaling): the planned length and the rule in
/// words, frozen into the run's snapshot so every report shows what actually ran.
/// </summary>
public sealed record RunScaling(double Scale, double CaseDurationSeconds, double RunDurationSeconds, string Rule);

/// <summary>
/// Arrival process. Kind is one of constant, poisson, gamma, bursts, trace. Rate is requests per second
/// (the base rate for bursts). Burstiness is the gamma shape (1 = Poisson, below 1 burstier).
/// </summary>
public sealed record ArrivalDefinition(
    string Kind,
    double Rate,
    double? Burstiness = null,
    BurstDefinition? Bursts = null,
    string? TraceFile = null);

/// <summary>On/off bursts: every PeriodSeconds, SpikeSeconds at SpikeRate on top of the base rate.</summary>
public sealed record BurstDefinition(double SpikeRate, double SpikeSeconds, double PeriodSeconds, double OffsetSeconds = 0);

/// <summary>
/// A server configuration. ServerArgs use vLLM's flag names without dashes prefix
/// (e.g. "max-num-seqs": "1"), so a profile maps onto a real vLLM deployment unchanged.
/// </summary>
public sealed record ProfileDefinition(
    string Id,
    string Description,
    string Model,
    string Gpu,
    int GpusPerReplica,
    int Replicas,
    string PriceRef,
    IReadOnlyDictionary<string, string> ServerArgs,
    string? Target = null);

public sealed record MetricGroup(string Name, IReadOnlyList<string> Metrics);

/// <summary>Latency limits in seconds; MaxDroppedFraction as a fraction (0.01 = 1 %). Null terms are not checked.</summary>
public sealed record SloDefinition(double? P95LatencySeconds, double? P99LatencySeconds, double? MaxDroppedFraction);

/// <summary>A decision this experiment supplies evidence for; the record itself lives in CostApi.</summary>
public sealed record DecisionLink(string Id, string Title, string Summary);
