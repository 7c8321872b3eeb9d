// What every runner of a local run shares: ports, parameters, environment settings, notifications and logs.
using Lab.Hosting.ApplicationModel;

namespace Lab.Hosting.Orchestration;

internal sealed record RunContext(
    DistributedApplicationModel Model,
    PortAllocation Values,
    RunEnvironment Environment,
    ResourceNotificationService Notifications,
    ResourceLoggerService Logs,
    string StateDirectory,
    string? BinPath,
    CancellationToken Stopping);

/// <summary>Starts, watches and stops one resource; publishes its snapshot as it changes.</summary>
internal abstract class ResourceRunner(IResource resource, RunContext context)
{
    // Polled often until healthy: every dependant waits on this, so each link of a WaitFor chain costs half an
    // interval on average. A loopback GET /health is cheap next to a .NET start-up.
    protected static readonly TimeSpan HealthIntervalUntilHealthy = TimeSpan.FromMilliseconds(150);
    protected static readonly TimeSpan HealthInterval = TimeSpan.FromSeconds(5);

    public IResource Resource { get; } = resource;
    protected RunContext Context { get; } = context;
    protected bool IsStopping { get; private set; }

    public abstract string Type { get; }

    /// <summary>Publishes the NotStarted snapshot, so the resource is visible before anything runs.</summary>
    public abstract void Announce();

    /// <summary>Waits for dependencies, starts, and returns once Running (health keeps being checked afterwards).</summary>
    public abstract Task StartAsync(CancellationToken cancellationToken);

    public Task StopAsync(TimeSpan grace)
    {
        IsStopping = true;
        return StopCoreAsync(grace);
    }

    protected abstract Task StopCoreAsync(TimeSpan grace);

    public abstract IEnumerable<int> Pids { get; }

    /// <summary>Holds the start until every WaitFor dependency is Running and healthy.</summary>
    protected async Task<string?> WaitForDependenciesAsync(CancellationToken cancellationToken)
    {
        if (Resource is not IResourceWithWaitSupport waiting)
        {
            return null;
        }
        foreach (var dependency in waiting.WaitsFor)
        {
            try
            {
                await Context.Notifications.WaitForResourceHealthyAsync(dependency.Name, cancellationToken);
            }
            catch (DistributedApplicationException)
            {
                return $"Dependency '{dependency.Name}' is {Context.Notifications.Get(dependency.Name)?.State}, so '{Resource.Name}' was not started.";
            }
        }
        return null;
    }

    protected void Log(string instance, string line, bool isError) => Context.Logs.Write(Resource.Name, instance, line, isError);
}
