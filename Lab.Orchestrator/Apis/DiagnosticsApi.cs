// Diagnostics the AppHost's integration test reads: proves the Orchestrator round-trips a value through Redis.
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;

// In the builder namespace (as ServiceDefaults does), so Program.cs needs one line and no using.
namespace Microsoft.AspNetCore.Builder;

public sealed record RedisRoundTrip(string Key, string Written, string? Read);

public static class DiagnosticsApi
{
    public static IEndpointRouteBuilder MapDiagnosticsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/diagnostics").MapPost("/redis-roundtrip", RoundTrip);
        return routes;
    }

    private static async Task<Results<Ok<RedisRoundTrip>, ProblemHttpResult>> RoundTrip(IServiceProvider services, IConfiguration configuration)
    {
        // The multiplexer AddRedisClient("redis") registered; until the service registers one, the same connection string directly.
        var registered = services.GetService<IConnectionMultiplexer>();
        var connectionString = configuration.GetConnectionString("redis");
        if (registered is null && connectionString is null)
        {
            return TypedResults.Problem("ConnectionStrings:redis is not configured.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        await using var owned = registered is null ? await ConnectionMultiplexer.ConnectAsync(connectionString!) : null;
        var database = (registered ?? owned!).GetDatabase();
        var key = $"lab:diagnostics:{Guid.NewGuid():N}";
        var written = Guid.NewGuid().ToString("N");
        await database.StringSetAsync(key, written, TimeSpan.FromMinutes(1));
        var read = await database.StringGetAsync(key);
        await database.KeyDeleteAsync(key);
        return TypedResults.Ok(new RedisRoundTrip(key, written, read));
    }
}
