// Source-generated JSON for every wire type, shared by servers and the Refit clients.
using System.Text.Json;
using System.Text.Json.Serialization;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Lab.Contracts.Orchestration;

namespace Lab.Contracts;

[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ExperimentDefinition))]
[JsonSerializable(typeof(IReadOnlyList<ExperimentDefinition>))]
[JsonSerializable(typeof(GpuPrice))]
[JsonSerializable(typeof(IReadOnlyList<GpuPrice>))]
[JsonSerializable(typeof(RegisterRunRequest))]
[JsonSerializable(typeof(RunTransitionRequest))]
[JsonSerializable(typeof(RunInfo))]
[JsonSerializable(typeof(IReadOnlyList<RunInfo>))]
[JsonSerializable(typeof(RecordBatch))]
[JsonSerializable(typeof(IngestResult))]
[JsonSerializable(typeof(RecordPage))]
[JsonSerializable(typeof(RunSummary))]
[JsonSerializable(typeof(RunTimeSeries))]
[JsonSerializable(typeof(ExperimentMatrix))]
[JsonSerializable(typeof(ExperimentReport))]
[JsonSerializable(typeof(PinSelectionRequest))]
[JsonSerializable(typeof(DecisionRecordInput))]
[JsonSerializable(typeof(DecisionRecord))]
[JsonSerializable(typeof(IReadOnlyList<DecisionRecord>))]
[JsonSerializable(typeof(StartRunRequest))]
[JsonSerializable(typeof(RunProgress))]
[JsonSerializable(typeof(IReadOnlyList<RunProgress>))]
[JsonSerializable(typeof(StartMatrixRequest))]
[JsonSerializable(typeof(MatrixProgress))]
[JsonSerializable(typeof(IReadOnlyList<TargetReadiness>))]
public sealed partial class LabJsonContext : JsonSerializerContext;
