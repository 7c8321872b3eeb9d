// The drop reasons' names, as stored, exported, printed and put on telemetry (README "Requests").
using Lab.Contracts.Costs;

namespace Lab.Evidence;

public static class DropReasons
{
    /// <summary>The lab's snake_case drop reason.</summary>
    public static string Name(DropReason reason) => reason switch
    {
        DropReason.Timeout => "timeout",
        DropReason.Rejected => "rejected",
        DropReason.HttpError => "http_error",
        DropReason.ConnectionError => "connection_error",
        DropReason.Cancelled => "cancelled",
        DropReason.WorkerLost => "worker_lost",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    public static DropReason Parse(string name) => Enum.GetValues<DropReason>().First(r => Name(r) == name);
}
