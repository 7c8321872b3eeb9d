// The YAML shape of an experiment file (kebab-case keys), read before validation turns it into contract records.
namespace Lab.Experiments.Definitions;

internal sealed class ExperimentFile
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public string? Question { get; set; }
    public string? Focus { get; set; }
    public string? WhyItMatters { get; set; }
    public string? Calibration { get; set; }
    public List<CaseFile>? Cases { get; set; }
    public List<ProfileFile>? Profiles { get; set; }
    public List<MetricGroupFile>? MetricGroups { get; set; }
    public SloFile? Slo { get; set; }
    public string? EvidenceBoundary { get; set; }
    public List<DecisionLinkFile>? DecisionLinks { get; set; }
}

internal sealed class CaseFile
{
    public string? Id { get; set; }
    public string? Description { get; set; }
    public int? PromptTokens { get; set; }
    public int? OutputTokens { get; set; }
    public ArrivalFile? Arrival { get; set; }
    public double? DurationSeconds { get; set; }
    public double? TimeoutSeconds { get; set; }
}

internal sealed class ArrivalFile
{
    public string? Kind { get; set; }
    public double? Rate { get; set; }
    public double? Burstiness { get; set; }
    public BurstFile? Bursts { get; set; }
    public string? TraceFile { get; set; }
}

internal sealed class BurstFile
{
    public double? SpikeRate { get; set; }
    public double? SpikeSeconds { get; set; }
    public double? PeriodSeconds { get; set; }
    public double? OffsetSeconds { get; set; }
}

internal sealed class ProfileFile
{
    public string? Id { get; set; }
    public string? Description { get; set; }
    public string? Model { get; set; }
    public string? Gpu { get; set; }
    public int? GpusPerReplica { get; set; }
    public int? Replicas { get; set; }
    public string? PriceRef { get; set; }
    public string? Target { get; set; }
    public Dictionary<string, string>? ServerArgs { get; set; }
}

internal sealed class MetricGroupFile
{
    public string? Name { get; set; }
    public List<string>? Metrics { get; set; }
}

internal sealed class SloFile
{
    public double? P95LatencySeconds { get; set; }
    public double? P99LatencySeconds { get; set; }
    public double? MaxDroppedFraction { get; set; }
}

internal sealed class DecisionLinkFile
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public string? Summary { get; set; }
}
