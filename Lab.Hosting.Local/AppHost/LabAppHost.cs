// A lab AppHost's start and end on real Aspire: the strict command line, the local defaults a machine without a dev
// certificate needs, the .lab/ state folder, and exit codes a script can read (0 ran, 1 could not start, 2 bad options).
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lab.Hosting.Local.AppHost;

public static class LabAppHost
{
    /// <summary>The dashboard's address when the AppHost runs outside a launch profile (the control API's port + 1).</summary>
    public const string DefaultDashboardUrl = "http://127.0.0.1:18889";

    /// <summary>
    /// Parses <paramref name="args"/> strictly, hands Aspire the options it owns (publish operation, dashboard), sets the
    /// local run defaults that a launch profile would, and opens the state folder with the control API.
    /// Problems with the arguments are reported by <see cref="RunLab"/>, once the model's parameters are known.
    /// </summary>
    public static IDistributedApplicationBuilder CreateBuilder(string[] args)
    {
        var options = LabAppHostOptions.Parse(args);
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = AspireArguments(options),
            // Telemetry sent elsewhere replaces the dashboard: Aspire hands services the dashboard's OTLP address.
            DisableDashboard = options.NoDashboard || options.OtlpEndpoint is not null,
        });
        if (builder.ExecutionContext.IsRunMode)
        {
            // DCP's `dcp monitor-process` beside every process (10 in the lab, ~21 MB PSS each) stays: it is what stops the
            // services, Redis and PostgreSQL should DCP's controller die; an orphaned PostgreSQL would hold the data folder
            // and fail the next start. DCP_DISABLE_MONITOR_PROCESS=1 in the AppHost's environment drops them (measured in
            // docs/benchmarks/apphost-startup.md) for whoever prefers the memory.
            SetIfMissing(builder.Configuration, "ASPIRE_ALLOW_UNSECURED_TRANSPORT", "true");
            SetIfMissing(builder.Configuration, "ASPNETCORE_URLS", DefaultDashboardUrl);
            if (options.Unsecured)
            {
                builder.Configuration["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
            }
            if (options.OtlpEndpoint is { } otlp)
            {
                builder.Configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = otlp.ToString();
            }
        }
        foreach (var (name, value) in options.ParameterArguments)
        {
            builder.Configuration[$"Parameters:{name}"] = value;
        }
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new ReplicaCounts());
        builder.AddLabState(options.StateDirectory, options.Fresh, options.BinPath, options.ControlPort,
            dashboard: !(options.NoDashboard || options.OtlpEndpoint is not null));
        return builder;
    }

    /// <summary>
    /// A whole number of replicas given as <c>--{name} N</c> (or <c>Parameters:{name}</c>), <paramref name="defaultValue"/>
    /// when absent. A bad value is reported by <see cref="RunLab"/> with the allowed range.
    /// </summary>
    public static int AddReplicaCount(this IDistributedApplicationBuilder builder, string name, int defaultValue, int max = 64)
    {
        var counts = builder.Services.Single(d => d.ServiceType == typeof(ReplicaCounts)).ImplementationInstance as ReplicaCounts
            ?? throw new InvalidOperationException("Create the builder with LabAppHost.CreateBuilder(args).");
        counts.Names.Add(name);
        if (builder.Configuration[$"Parameters:{name}"] is not { } text)
        {
            return defaultValue;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1 && count <= max)
        {
            return count;
        }
        counts.Problems.Add($"--{name} must be a whole number 1-{max}, not '{text}'.");
        return defaultValue;
    }

    /// <summary>
    /// Checks the command line against the declared model, then builds and runs it. Returns 2 (with the valid options)
    /// when the arguments are wrong, 1 when the lab cannot start (a server program is missing, the control port is
    /// taken: the message says what to do), 0 after a clean stop.
    /// </summary>
    public static int RunLab(this IDistributedApplicationBuilder builder, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var options = Single<LabAppHostOptions>(builder);
        var counts = Single<ReplicaCounts>(builder);
        var names = builder.Resources.OfType<ParameterResource>().Select(p => p.Name).Concat(counts.Names).Distinct().ToList();
        if (options.Help)
        {
            output.WriteLine(LabAppHostOptions.Usage(names));
            return 0;
        }
        var problems = options.Validate(names).Concat(counts.Problems).ToList();
        if (problems.Count > 0)
        {
            problems.ForEach(error.WriteLine);
            error.WriteLine(LabAppHostOptions.Usage(names));
            return 2;
        }
        if (builder.LabSettings().MissingDependencies is { Count: > 0 } missing)
        {
            missing.ForEach(m => error.WriteLine(m.Message));
            return 1;
        }
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.LaunchProjectsFromBuildOutput();
            foreach (var project in builder.Resources.OfType<ProjectResource>())
            {
                project.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
                {
                    context.EnvironmentVariables["ASPNETCORE_ENVIRONMENT"] = options.EnvironmentName;
                    context.EnvironmentVariables["DOTNET_ENVIRONMENT"] = options.EnvironmentName;
                }));
            }
        }
        try
        {
            builder.Build().Run();
            return 0;
        }
        catch (Exception e) when (Startup(e) is { } startup)
        {
            error.WriteLine(startup.Message);
            return 1;
        }
    }

    private static LabStartupException? Startup(Exception e) => e switch
    {
        LabStartupException startup => startup,
        AggregateException { InnerExceptions: [var single] } => Startup(single),
        _ => null,
    };

    private static string[] AspireArguments(LabAppHostOptions options) => options.Publisher switch
    {
        "manifest" => ["--operation", "publish", "--publisher", "manifest", "--output-path", options.OutputPath!],
        "kubernetes" => ["--operation", "publish", "--step", "publish", "--output-path", options.OutputPath!],
        // The AppHost's own environment follows the services': Aspire turns on its local OpenTelemetry defaults (1 s
        // export delays, always-on sampling) only in Development, which a launch profile would otherwise have set.
        _ => ["--environment", options.EnvironmentName],
    };

    private static void SetIfMissing(IConfiguration configuration, string key, string value)
    {
        if (string.IsNullOrEmpty(configuration[key]))
        {
            configuration[key] = value;
        }
    }

    private static T Single<T>(IDistributedApplicationBuilder builder) where T : class =>
        builder.Services.Single(d => d.ServiceType == typeof(T)).ImplementationInstance as T
        ?? throw new InvalidOperationException("Create the builder with LabAppHost.CreateBuilder(args).");

    /// <summary>Names and problems of the AppHost's replica counts, which are options but not parameters.</summary>
    private sealed class ReplicaCounts
    {
        public List<string> Names { get; } = [];
        public List<string> Problems { get; } = [];
    }
}

/// <summary>The lab cannot start for a reason the user can fix; the message says how.</summary>
public sealed class LabStartupException(string message, Exception? inner = null) : Exception(message, inner);
