// Aspire's Redis client with the lab's tracing rule: a command becomes a span only inside a recorded operation.
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

public static class TracedRedisClientExtensions
{
    /// <summary>
    /// Aspire's <c>AddRedisClient</c> (IConnectionMultiplexer and its health check), traced by OpenTelemetry's Redis
    /// instrumentation rather than the copy built into Aspire's package, which takes no filter and so turns every
    /// command issued outside an operation (stream polls, housekeeping) into a root span of its own.
    /// </summary>
    public static void AddTracedRedisClient(this IHostApplicationBuilder builder, string connectionName)
    {
        // Spans in the stable conventions (db.system.name, db.operation.name) the lab's other spans use; the
        // instrumentation defaults to the old names and reads this opt-in from the process environment only.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_SEMCONV_STABILITY_OPT_IN")))
        {
            Environment.SetEnvironmentVariable("OTEL_SEMCONV_STABILITY_OPT_IN", "database");
        }
        builder.AddRedisClient(connectionName,
            settings => settings.DisableTracing = true,
            // Aspire's default as well, stated because the lab relies on it: services start before Redis listens.
            options => options.AbortOnConnectFail = false);
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddRedisInstrumentation(options =>
        {
            // Health checks' PING and background loops run under no recorded operation: no orphan spans from them.
            options.Filter = command => command.ParentActivity is { Recorded: true };
            // Spans of a finished operation are emitted within half a second rather than the default ten.
            options.FlushInterval = TimeSpan.FromMilliseconds(500);
        }));
    }
}
