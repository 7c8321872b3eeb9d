// The orchestrator's trace source: one span per run, producer spans per shard (exported with every "Lab.*" source).
using System.Diagnostics;

namespace Lab.Orchestrator;

public static class OrchestratorTelemetry
{
    public const string Name = "Lab.Orchestrator";
    public static readonly ActivitySource Source = new(Name);
}
