// Diagnostics the AppHost's integration test reads: proves CostApi reaches PostgreSQL through the "labdb" connection.
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

// In the builder namespace (as ServiceDefaults does), so Program.cs needs one line and no using.
namespace Microsoft.AspNetCore.Builder;

public sealed record DatabaseDiagnostics(string Database, string ServerVersion);

public static class DiagnosticsApi
{
    public static IEndpointRouteBuilder MapDiagnosticsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/diagnostics").MapGet("/db", GetDatabase);
        return routes;
    }

    private static async Task<Results<Ok<DatabaseDiagnostics>, ProblemHttpResult>> GetDatabase(IServiceProvider services, IConfiguration configuration,
        CancellationToken cancellationToken)
    {
        // The data source AddNpgsqlDataSource("labdb") registered; until the service registers one, the same connection string directly.
        var registered = services.GetService<NpgsqlDataSource>();
        var connectionString = configuration.GetConnectionString("labdb");
        if (registered is null && connectionString is null)
        {
            return TypedResults.Problem("ConnectionStrings:labdb is not configured.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        await using var owned = registered is null ? NpgsqlDataSource.Create(connectionString!) : null;
        var dataSource = registered ?? owned!;
        await using var command = dataSource.CreateCommand("select current_database(), version()");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return TypedResults.Ok(new DatabaseDiagnostics(reader.GetString(0), reader.GetString(1)));
    }
}
