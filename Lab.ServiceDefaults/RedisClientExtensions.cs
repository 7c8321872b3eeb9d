// Aspire-named Redis client integration: IConnectionMultiplexer, the "StackExchange.Redis" health check, tracing.
using Lab.ServiceDefaults.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Settings bound from <c>Aspire:StackExchange:Redis</c>, as Aspire's client integration does.</summary>
public sealed class StackExchangeRedisSettings
{
    public string? ConnectionString { get; set; }
    public bool DisableHealthChecks { get; set; }
    public bool DisableTracing { get; set; }
}

public static class RedisClientExtensions
{
    private const string ConfigurationSection = "Aspire:StackExchange:Redis";

    public static void AddRedisClient(this IHostApplicationBuilder builder, string connectionName,
        Action<StackExchangeRedisSettings>? configureSettings = null)
    {
        var settings = new StackExchangeRedisSettings();
        builder.Configuration.GetSection(ConfigurationSection).Bind(settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { } connectionString)
        {
            settings.ConnectionString = connectionString;
        }
        configureSettings?.Invoke(settings);

        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                $"Redis connection '{connectionName}' is not configured: set ConnectionStrings__{connectionName} " +
                $"or {ConfigurationSection.Replace(":", "__")}__ConnectionString (the AppHost does this for you).");
        }

        var options = ConfigurationOptions.Parse(settings.ConnectionString);
        options.AbortOnConnectFail = false;
        var profiler = new RedisCommandTracer();
        builder.Services.AddSingleton(profiler);
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var connection = ConnectionMultiplexer.Connect(options);
            if (!settings.DisableTracing)
            {
                connection.RegisterProfiler(profiler.GetSession);
            }
            return connection;
        });

        if (!settings.DisableTracing)
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisCommandTracer>());
            builder.Services.AddOpenTelemetry().WithTracing(t => t.AddSource(RedisCommandTracer.ActivitySourceName));
        }

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().AddRedis(
                sp => sp.GetRequiredService<IConnectionMultiplexer>(), name: "StackExchange.Redis");
        }
    }
}
