// Runs this orchestrator drives, and which target each one occupies (one run per target at a time).
using System.Collections.Concurrent;

namespace Lab.Orchestrator.Runs;

public sealed class RunRegistry
{
    private readonly ConcurrentDictionary<Guid, RunHandle> _runs = new();
    private readonly ConcurrentDictionary<string, Guid> _busyTargets = new(StringComparer.OrdinalIgnoreCase);

    public RunHandle? Find(Guid runId) => _runs.GetValueOrDefault(runId);

    public IReadOnlyList<RunHandle> Active => _runs.Values.Where(r => !r.IsTerminal).OrderBy(r => r.CreatedAt).ToList();

    /// <summary>Claims the target for the run; false (and the holder) when another run is using it.</summary>
    public bool TryOccupy(Uri target, Guid runId, out Guid holder)
    {
        holder = _busyTargets.GetOrAdd(target.ToString(), runId);
        return holder == runId;
    }

    public bool IsBusy(Uri target) => _busyTargets.ContainsKey(target.ToString());

    public void Add(RunHandle run) => _runs[run.RunId] = run;

    public void Release(RunHandle run) =>
        _busyTargets.TryRemove(new KeyValuePair<string, Guid>(run.Target.ToString(), run.RunId));
}
