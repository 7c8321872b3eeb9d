// Aspire-named PostgreSQL client integration: NpgsqlDataSource, the "PostgreSql" health check, Npgsql traces and metrics.
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>Settings bound from <c>Aspire:Npgsql</c>, as Aspire's client integration does.</summary>
public sealed class NpgsqlSettings
{
    public string? ConnectionString { get; set; }
    public bool DisableHealthChecks { get; set; }
    public bool DisableTracing { get; set; }
    public bool DisableMetrics { get; set; }
}

public static class NpgsqlClientExtensions
{
    private const string ConfigurationSection = "Aspire:Npgsql";

    public static void AddNpgsqlDataSource(this IHostApplicationBuilder builder, string connectionName,
        Action<NpgsqlSettings>? configureSettings = null, Action<NpgsqlDataSourceBuilder>? configureDataSourceBuilder = null)
    {
        var settings = new NpgsqlSettings();
        builder.Configuration.GetSection(ConfigurationSection).Bind(settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { } connectionString)
        {
            settings.ConnectionString = connectionString;
        }
        configureSettings?.Invoke(settings);

        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                $"PostgreSQL connection '{connectionName}' is not configured: set ConnectionStrings__{connectionName} " +
                $"or {ConfigurationSection.Replace(":", "__")}__ConnectionString (the AppHost does this for you).");
        }

        builder.Services.AddNpgsqlDataSource(settings.ConnectionString, dataSourceBuilder =>
        {
            // Commands are traced only inside a traced operation: the health check's SELECT under an unrecorded /health
            // request (and background housekeeping) would otherwise start orphan spans in every health poll.
            dataSourceBuilder.ConfigureTracing(tracing => tracing
                .ConfigureCommandFilter(_ => Activity.Current is { Recorded: true })
                .ConfigureBatchFilter(_ => Activity.Current is { Recorded: true }));
            configureDataSourceBuilder?.Invoke(dataSourceBuilder);
        });

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().AddNpgSql(name: "PostgreSql");
        }
        if (!settings.DisableTracing)
        {
            builder.Services.AddOpenTelemetry().WithTracing(t => t.AddNpgsql());
        }
        if (!settings.DisableMetrics)
        {
            builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter("Npgsql"));
        }
    }
}
