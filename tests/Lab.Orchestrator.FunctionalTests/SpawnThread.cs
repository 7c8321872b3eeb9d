// Linux delivers PR_SET_PDEATHSIG (NativeProcess's setpriv --pdeathsig) when the *thread* that forked the child
// ends, not the process. Thread-pool threads retire when idle, which would SIGKILL PostgreSQL, Redis or a worker
// mid-test. Every child of this fixture is therefore started from one thread that lives as long as the fixture.
using System.Collections.Concurrent;

namespace Lab.Orchestrator.FunctionalTests;

public sealed class SpawnThread : SynchronizationContext, IDisposable
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _work = [];
    private readonly Thread _thread;

    public SpawnThread()
    {
        _thread = new Thread(() =>
        {
            SetSynchronizationContext(this);
            foreach (var (callback, state) in _work.GetConsumingEnumerable())
            {
                callback(state);
            }
        }) { IsBackground = true, Name = "lab-test-spawner" };
        _thread.Start();
    }

    public override void Post(SendOrPostCallback d, object? state) => _work.Add((d, state));

    /// <summary>Runs the async function with its continuations on the spawner thread (no ConfigureAwait(false) inside).</summary>
    public Task<T> RunAsync<T>(Func<Task<T>> function)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(async _ =>
        {
            try
            {
                result.SetResult(await function());
            }
            catch (Exception e)
            {
                result.SetException(e);
            }
        }, null);
        return result.Task;
    }

    public Task RunAsync(Func<Task> function) => RunAsync(async () => { await function(); return true; });

    public void Dispose() => _work.CompleteAdding();
}
