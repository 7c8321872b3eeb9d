// The services' Redis client against real Redis: a command is exported as a span only under a recorded operation.
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using StackExchange.Redis;

namespace Lab.Orchestrator.FunctionalTests;

public sealed class RedisTracingTests(LabFixture lab)
{
    private static readonly ActivitySource Operations = new("Lab.Orchestrator.FunctionalTests.Redis");

    [Fact]
    public async Task Health_checks_and_background_commands_make_no_spans_and_an_operations_command_is_its_child()
    {
        var ct = TestContext.Current.CancellationToken;
        var spans = new List<Activity>();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:redis"] = lab.RedisConnectionString;
        builder.AddTracedRedisClient("redis");
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(Operations.Name).AddInMemoryExporter(spans));
        ActivitySpanId operation;
        using (var host = builder.Build())
        {
            await host.StartAsync(ct);
            var database = host.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

            // A background loop's command (no operation at all), the integration's health check, and a command under
            // an unrecorded operation, as under a /health request the ASP.NET Core instrumentation filters out.
            await database.StringSetAsync("lab:tests:redis-tracing", "1", TimeSpan.FromMinutes(1));
            var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct);
            Assert.Equal(HealthStatus.Healthy, health.Status);
            using (var unrecorded = new Activity("health poll").Start())
            {
                unrecorded.ActivityTraceFlags = ActivityTraceFlags.None;
                await database.PingAsync();
            }
            using (var recorded = Operations.StartActivity("send lab:tests")!)
            {
                operation = recorded.SpanId;
                await database.StreamAddAsync("lab:tests:redis-tracing-stream", "field", "value");
            }
            await host.StopAsync(ct);
        } // disposing the tracer provider flushes the instrumentation's profiled commands

        var xadd = Assert.Single(spans, s => s.Source.Name == "OpenTelemetry.Instrumentation.StackExchangeRedis");
        Assert.Equal(("XADD", ActivityKind.Client, operation, "redis"), (xadd.DisplayName, xadd.Kind, xadd.ParentSpanId, xadd.GetTagItem("db.system.name")));
    }
}
