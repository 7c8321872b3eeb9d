// Projects (dotnet <assembly>) and executables as child processes, one per replica, each on its own port.
using Lab.Contracts.ControlPlane;
using Lab.Hosting.ApplicationModel;
using Lab.Hosting.Native;

namespace Lab.Hosting.Orchestration;

internal sealed class ProcessRunner(ProcessResource resource, RunContext context, HttpClient healthClient) : ResourceRunner(resource, context)
{
    private const int LastLinesShown = 15;
    private readonly Lock _lock = new();
    private readonly Instance[] _instances = [.. Enumerable.Range(0, resource.Replicas).Select(i => new Instance(i))];
    private string? _message;

    public override string Type => resource is ProjectResource ? "Project" : "Executable";

    public override IEnumerable<int> Pids => _instances.Where(i => i.Process is not null).Select(i => i.Process!.Pid);

    public override void Announce() => Publish();

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        SetAll(ResourceState.Waiting);
        var blocked = await WaitForDependenciesAsync(cancellationToken);
        if (blocked is not null)
        {
            Fail(blocked);
            return;
        }
        SetAll(ResourceState.Starting);
        var (fileName, arguments, workingDirectory) = Command();
        if (resource is ProjectResource project && !File.Exists(project.Metadata.AssemblyPath))
        {
            Fail($"'{project.Metadata.AssemblyPath}' does not exist. Build it first: dotnet build {project.Metadata.ProjectPath}");
            return;
        }
        foreach (var instance in _instances)
        {
            StartInstance(instance, fileName, arguments, workingDirectory);
        }
    }

    private (string FileName, List<string> Arguments, string WorkingDirectory) Command()
    {
        var arguments = EnvironmentContract.ArgumentsForRun(resource, Context.Values).ToList();
        return resource switch
        {
            ProjectResource project => (DotnetHost.Path, [project.Metadata.AssemblyPath, .. arguments], Path.GetDirectoryName(project.Metadata.ProjectPath)!),
            ExecutableResource executable => (executable.Command, arguments, executable.WorkingDirectory),
            _ => throw new InvalidOperationException($"Unknown process resource {resource.GetType().Name}."),
        };
    }

    private void StartInstance(Instance instance, string fileName, List<string> arguments, string workingDirectory)
    {
        var name = EnvironmentContract.InstanceName(resource, instance.Replica);
        var environment = EnvironmentContract.ForRun(resource, instance.Replica, Context.Values, Context.Environment);
        instance.Environment = environment;
        try
        {
            instance.Process = NativeProcess.Start(fileName, arguments, (line, isError) => Log(name, line, isError),
                environment.ToDictionary(e => e.Key, e => (string?)e.Value), workingDirectory);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            Set(instance, ResourceState.FailedToStart, ResourceHealth.Unhealthy);
            _message = $"{name} could not be started: {e.Message}";
            Log(name, _message, true);
            Publish();
            return;
        }
        // Without a health check a running process counts as healthy, as in Aspire.
        Set(instance, ResourceState.Running, resource.HealthCheckPath is null ? ResourceHealth.Healthy : ResourceHealth.Unknown);
        _ = instance.Process.Exited.ContinueWith(_ => OnExited(instance, name), TaskScheduler.Default);
        if (resource.HealthCheckPath is not null)
        {
            _ = MonitorHealthAsync(instance);
        }
    }

    private void OnExited(Instance instance, string name)
    {
        if (IsStopping)
        {
            return;
        }
        // Output can trail the exit notification by a moment; the last lines matter most here.
        Thread.Sleep(100);
        var exitCode = instance.Process!.ExitCode;
        var lines = Context.Logs.GetInstanceLines(Resource.Name, name, LastLinesShown);
        _message = $"{name} exited with code {exitCode}." + (lines.Count > 0
            ? $" Last log lines:{Environment.NewLine}{string.Join(Environment.NewLine, lines.Select(l => "    " + l.Text))}"
            : string.Empty);
        instance.ExitCode = exitCode;
        Set(instance, ResourceState.Exited, ResourceHealth.Unhealthy);
    }

    private async Task MonitorHealthAsync(Instance instance)
    {
        var url = new EndpointReference(resource, resource.HealthCheckEndpointName, EndpointProperty.Url, instance.Replica).GetValue(Context.Values)
            + resource.HealthCheckPath;
        while (!Context.Stopping.IsCancellationRequested && !IsStopping && instance.State is ResourceState.Running or ResourceState.Unhealthy)
        {
            bool healthy;
            try
            {
                using var response = await healthClient.GetAsync(url, Context.Stopping);
                healthy = response.StatusCode == System.Net.HttpStatusCode.OK;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                healthy = false;
            }
            if (IsStopping || instance.State is ResourceState.Exited)
            {
                return;
            }
            if (healthy)
            {
                Set(instance, ResourceState.Running, ResourceHealth.Healthy);
            }
            else if (instance.Health == ResourceHealth.Healthy)
            {
                Set(instance, ResourceState.Unhealthy, ResourceHealth.Unhealthy);
            }
            try
            {
                await Task.Delay(instance.Health == ResourceHealth.Healthy ? HealthInterval : HealthIntervalUntilHealthy, Context.Stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    protected override async Task StopCoreAsync(TimeSpan grace)
    {
        await Task.WhenAll(_instances.Where(i => i.Process is not null).Select(i => i.Process!.StopAsync(grace)));
        foreach (var instance in _instances.Where(i => i.Process is not null))
        {
            instance.ExitCode = instance.Process!.HasExited ? instance.Process.ExitCode : null;
            Set(instance, ResourceState.Exited, ResourceHealth.Unknown);
        }
    }

    private void Fail(string message)
    {
        _message = message;
        Log(Resource.Name, message, true);
        SetAll(ResourceState.FailedToStart, ResourceHealth.Unhealthy);
    }

    private void SetAll(ResourceState state, ResourceHealth health = ResourceHealth.Unknown)
    {
        lock (_lock)
        {
            foreach (var instance in _instances)
            {
                (instance.State, instance.Health) = (state, health);
            }
        }
        Publish();
    }

    private void Set(Instance instance, ResourceState state, ResourceHealth health)
    {
        lock (_lock)
        {
            (instance.State, instance.Health) = (state, health);
        }
        Publish();
    }

    private void Publish()
    {
        ResourceInstanceSnapshot[] instances;
        lock (_lock)
        {
            instances = [.. _instances.Select(i => new ResourceInstanceSnapshot(EnvironmentContract.InstanceName(resource, i.Replica), i.State, i.Health,
                i.Process?.Pid, Endpoint(i.Replica), i.ExitCode, i.Environment))];
        }
        Context.Notifications.Publish(new ResourceSnapshot(Resource.Name, Type, Aggregate(instances), AggregateHealth(instances),
            [.. instances.Where(i => i.Endpoint is not null).Select(i => i.Endpoint!)], instances, _message));
    }

    private string? Endpoint(int replica) =>
        resource.Endpoints.FirstOrDefault(e => e.Scheme is "http" or "https") is { } http
            ? new EndpointReference(resource, http.Name, EndpointProperty.Url, replica).GetValue(Context.Values)
            : null;

    /// <summary>The resource is as good as its worst replica.</summary>
    private static ResourceState Aggregate(ResourceInstanceSnapshot[] instances) =>
        instances.Select(i => i.State).OrderBy(s => s switch
        {
            ResourceState.FailedToStart => 0,
            ResourceState.Exited => 1,
            ResourceState.Unhealthy => 2,
            ResourceState.NotStarted => 3,
            ResourceState.Waiting => 4,
            ResourceState.Starting => 5,
            _ => 6,
        }).First();

    private static ResourceHealth AggregateHealth(ResourceInstanceSnapshot[] instances) =>
        instances.All(i => i.Health == ResourceHealth.Healthy) ? ResourceHealth.Healthy
        : instances.Any(i => i.Health == ResourceHealth.Unhealthy) ? ResourceHealth.Unhealthy
        : ResourceHealth.Unknown;

    private sealed class Instance(int replica)
    {
        public int Replica { get; } = replica;
        public NativeProcess? Process { get; set; }
        public ResourceState State { get; set; } = ResourceState.NotStarted;
        public ResourceHealth Health { get; set; } = ResourceHealth.Unknown;
        public int? ExitCode { get; set; }
        public IReadOnlyDictionary<string, string>? Environment { get; set; }
    }
}

/// <summary>The dotnet host that runs project assemblies: the one running us when we are dotnet, else from PATH.</summary>
internal static class DotnetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var current = Environment.ProcessPath;
        if (current is not null && System.IO.Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (root is not null && File.Exists(System.IO.Path.Combine(root, "dotnet")))
        {
            return System.IO.Path.Combine(root, "dotnet");
        }
        return ExecutableLocator.Find("dotnet") ?? "dotnet";
    }
}
