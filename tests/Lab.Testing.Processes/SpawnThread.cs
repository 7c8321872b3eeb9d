// A thread that never exits, for starting native children whose lifetime must not depend on the thread pool.
using System.Collections.Concurrent;

namespace Lab.Testing.Processes;

/// <summary>
/// NativeProcess starts children under <c>setpriv --pdeathsig=KILL</c>. Linux delivers that signal when the
/// <em>thread</em> that forked the child exits, not the process; a thread-pool thread retires after idling, so a
/// server started from one can be killed minutes later while its parent is alive. NativeProcess forks every child
/// on this thread, which lives as long as the process, so callers may start children from any thread.
/// </summary>
internal sealed class SpawnThread : SynchronizationContext
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];

    public static SpawnThread Shared { get; } = new();

    private SpawnThread()
    {
        var thread = new Thread(() =>
        {
            SetSynchronizationContext(this);
            foreach (var (callback, state) in _queue.GetConsumingEnumerable())
            {
                callback(state);
            }
        }) { IsBackground = true, Name = "native-spawn" };
        thread.Start();
    }

    public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

    /// <summary>Runs <paramref name="action"/> on the spawn thread and waits for it (inline when already there).</summary>
    public void Invoke(Action action)
    {
        if (Current == this)
        {
            action();
            return;
        }
        using var done = new ManualResetEventSlim();
        Exception? failure = null;
        Post(_ =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                done.Set();
            }
        }, null);
        done.Wait();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }
}
