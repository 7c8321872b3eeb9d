// Source-generated JSON for the control plane: the AppHost writes and serves these types, the CLI and dashboard read them.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lab.Contracts.ControlPlane;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(IReadOnlyList<ResourceView>))]
[JsonSerializable(typeof(ResourceView))]
[JsonSerializable(typeof(IReadOnlyList<ResourceLogLine>))]
[JsonSerializable(typeof(AppHostInfo))]
[JsonSerializable(typeof(Dictionary<string, string>))]
// The control API's 404 body: the message that names the resources there are.
[JsonSerializable(typeof(string))]
public sealed partial class ControlPlaneJsonContext : JsonSerializerContext;
