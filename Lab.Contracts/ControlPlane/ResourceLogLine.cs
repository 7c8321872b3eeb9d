// GET /api/resources/{name}/logs?after=&last=: a resource's console lines, numbered so a tail asks only for newer ones.
namespace Lab.Contracts.ControlPlane;

/// <summary>
/// <see cref="Sequence"/> counts a resource's lines from 1 in the order they arrived, across its replicas; the AppHost
/// keeps the last 2000, so a gap in the numbers means lines fell out of that window.
/// </summary>
public sealed record ResourceLogLine(long Sequence, DateTimeOffset Timestamp, string Instance, string Text, bool IsError);
