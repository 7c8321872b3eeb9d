// The lab's own part of an Aspire AppHost: the .lab/ state folder, remembered secrets and the control API.
using Lab.Hosting.Local.Control;
using Lab.Hosting.Local.Native;
using Lab.Hosting.Local.State;
using Microsoft.Extensions.DependencyInjection;

namespace Lab.Hosting.Local;

/// <summary>What <see cref="LabHosting.AddLabState"/> was given: the folder, where native binaries are, the control API port.</summary>
public sealed record LabHostSettings(StateFolder? State, string? BinPath, int ControlPort, bool Dashboard)
{
    public const int DefaultControlPort = 18888;

    /// <summary>
    /// Server programs a native resource needs but this machine lacks. Declaring the resource still succeeds, so a lab
    /// AppHost can report every one with exit code 1 (<c>RunLab</c>); starting the model without that check fails first.
    /// </summary>
    public List<MissingDependencyException> MissingDependencies { get; } = [];

    /// <summary>Records <paramref name="missing"/> and makes any start of the model fail with it before a process starts.</summary>
    internal string Missing(IDistributedApplicationBuilder builder, MissingDependencyException missing, string placeholder)
    {
        MissingDependencies.Add(missing);
        builder.Eventing.Subscribe<BeforeStartEvent>((_, _) => throw missing);
        return placeholder;
    }
}

public static class LabHosting
{
    /// <summary>
    /// Run mode: opens the state folder (wiped first with <paramref name="fresh"/>), serves the control API on
    /// 127.0.0.1:<paramref name="controlPort"/> (0: any free port) and writes .lab/apphost.json while the AppHost runs.
    /// Publish mode touches nothing on disk.
    /// </summary>
    public static LabHostSettings AddLabState(this IDistributedApplicationBuilder builder, string? stateDirectory, bool fresh,
        string? binPath, int controlPort = LabHostSettings.DefaultControlPort, bool dashboard = true)
    {
        var state = builder.ExecutionContext.IsPublishMode ? null : new StateFolder(stateDirectory ?? StateFolder.Locate(builder.AppHostDirectory), fresh);
        var settings = new LabHostSettings(state, binPath, controlPort, dashboard);
        builder.Services.AddSingleton(settings);
        if (state is not null)
        {
            builder.Services.AddSingleton<ResourceBoard>();
            builder.Services.AddHostedService<ControlApiService>();
        }
        return settings;
    }

    /// <summary>The settings of <see cref="AddLabState"/>; native resources find their data folder and binaries here.</summary>
    public static LabHostSettings LabSettings(this IDistributedApplicationBuilder builder) =>
        builder.Services.LastOrDefault(d => d.ServiceType == typeof(LabHostSettings))?.ImplementationInstance as LabHostSettings
        ?? throw new InvalidOperationException("Call builder.AddLabState(...) before adding the lab's native resources.");

    /// <summary>
    /// A secret parameter whose value, unless configuration sets <c>Parameters:{name}</c>, is generated on the first run
    /// and remembered in .lab/parameters.json.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddRememberedSecret(this IDistributedApplicationBuilder builder, string name)
    {
        if (builder.LabSettings().State is { } state && string.IsNullOrEmpty(builder.Configuration[$"Parameters:{name}"]))
        {
            builder.Configuration[$"Parameters:{name}"] = state.Remembered(name);
        }
        return builder.AddParameter(name, secret: true);
    }
}
