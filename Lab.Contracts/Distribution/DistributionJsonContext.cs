// Source-generated JSON for the Redis messages (kept apart from LabJsonContext: these never cross HTTP).
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lab.Contracts.Distribution;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ShardAssignment))]
[JsonSerializable(typeof(RunCancellation))]
public sealed partial class DistributionJsonContext : JsonSerializerContext;
