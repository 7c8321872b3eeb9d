// Runs an AppHost's model in-process for tests, on random ports with a temporary state folder (Aspire.Hosting.Testing's API).
using System.Reflection;
using Lab.Hosting.ApplicationModel;
using Lab.Hosting.Native;
using Microsoft.Extensions.Configuration;

namespace Lab.Hosting.Testing;

public interface IDistributedApplicationTestingBuilder : IDistributedApplicationBuilder, IAsyncDisposable
{
    /// <summary>The temporary state folder of this test run (removed when the app is disposed).</summary>
    string StateDirectory { get; }

    /// <summary>Everything the app wrote to its console (start-up summary, resource logs).</summary>
    string ConsoleOutput { get; }

    Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default);
}

public static class DistributedApplicationTestingBuilder
{
    /// <summary>
    /// Runs the AppHost's Program up to its <c>Build()</c> call and hands back its builder, so the test builds and starts
    /// the very model the AppHost declares. The control API listens on a free port and state lives in a temporary folder.
    /// </summary>
    public static async Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(string[] args, CancellationToken cancellationToken = default)
        where TEntryPoint : IProjectMetadata, new()
    {
        var metadata = new TEntryPoint();
        var assembly = Assembly.Load(new AssemblyName(Path.GetFileNameWithoutExtension(metadata.AssemblyPath)));
        var entryPoint = assembly.EntryPoint ?? throw new DistributedApplicationException($"{assembly.GetName().Name} has no entry point.");
        var state = new TemporaryDirectory("lab-test-");
        var output = new CapturedOutput();
        var interceptor = new TestingInterceptor(state.Path, Path.GetDirectoryName(metadata.ProjectPath)!, output);

        var run = Task.Run(() =>
        {
            DistributedApplicationBuilder.Interceptor.Value = interceptor;
            try
            {
                entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [args]);
            }
            catch (TargetInvocationException e) when (e.InnerException is BuildIntercepted)
            {
            }
        }, cancellationToken);
        var first = await Task.WhenAny(interceptor.Captured.Task, run).WaitAsync(cancellationToken);
        if (first == run && !interceptor.Captured.Task.IsCompleted)
        {
            state.Dispose();
            await run;
            throw new DistributedApplicationException($"{assembly.GetName().Name}'s Program returned without calling Build() on its builder.");
        }
        return new TestingBuilder(await interceptor.Captured.Task, state, output);
    }

    public static Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(CancellationToken cancellationToken = default)
        where TEntryPoint : IProjectMetadata, new() =>
        CreateAsync<TEntryPoint>([], cancellationToken);

    /// <summary>An empty app model with the same test isolation, for models declared in the test itself.</summary>
    public static IDistributedApplicationTestingBuilder Create(params string[] args)
    {
        var state = new TemporaryDirectory("lab-test-");
        var output = new CapturedOutput();
        var options = DistributedApplicationOptions.Parse(args);
        new TestingInterceptor(state.Path, AppContext.BaseDirectory, output).OnCreating(options);
        return new TestingBuilder(new DistributedApplicationBuilder(options), state, output);
    }

    private sealed class BuildIntercepted : Exception;

    private sealed class TestingInterceptor(string stateDirectory, string appHostDirectory, CapturedOutput output) : IDistributedApplicationBuilderInterceptor
    {
        public TaskCompletionSource<DistributedApplicationBuilder> Captured { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnCreating(DistributedApplicationOptions options)
        {
            // Never collide with a lab a developer is running: own ports, own state.
            if (options.ControlPort == DistributedApplicationOptions.DefaultControlPort)
            {
                options.ControlPort = 0;
            }
            options.StateDirectory ??= stateDirectory;
            options.AppHostDirectory = appHostDirectory;
            options.Output = output;
            options.UseColors = false;
        }

        public void OnBuilding(DistributedApplicationBuilder builder)
        {
            Captured.TrySetResult(builder);
            throw new BuildIntercepted();
        }
    }

    private sealed class TestingBuilder(DistributedApplicationBuilder inner, TemporaryDirectory state, CapturedOutput output)
        : IDistributedApplicationTestingBuilder
    {
        private bool _built;

        public ConfigurationManager Configuration => inner.Configuration;
        public DistributedApplicationOptions Options => inner.Options;
        public DistributedApplicationExecutionContext ExecutionContext => inner.ExecutionContext;
        public string AppHostDirectory => inner.AppHostDirectory;
        public IReadOnlyList<IResource> Resources => inner.Resources;
        public string StateDirectory => inner.Options.StateDirectory ?? state.Path;
        public string ConsoleOutput => output.Text;

        public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource => inner.AddResource(resource);
        public IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource => inner.CreateResourceBuilder(resource);

        public DistributedApplication Build()
        {
            _built = true;
            var app = inner.BuildCore();
            app.OnDisposed.Add(state.Dispose);
            return app;
        }

        public Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default) => Task.FromResult(Build());

        public ValueTask DisposeAsync()
        {
            if (!_built)
            {
                state.Dispose();
            }
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Keeps what the app writes to its console, for assertions and for a failing test's message.</summary>
internal sealed class CapturedOutput : StringWriter
{
    private readonly Lock _lock = new();

    public string Text
    {
        get { lock (_lock) { return ToString(); } }
    }

    public override void Write(char value)
    {
        lock (_lock)
        {
            base.Write(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_lock)
        {
            base.Write(value);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_lock)
        {
            base.WriteLine(value);
        }
    }
}
