// The worker's trace source (exported automatically: every "Lab.*" source and meter is).
using System.Diagnostics;

namespace Lab.LoadWorker.Shards;

public static class WorkerTelemetry
{
    public const string Name = "Lab.LoadWorker";
    public static readonly ActivitySource Source = new(Name);
}
