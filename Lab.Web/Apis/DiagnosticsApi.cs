// Diagnostics the AppHost's integration test reads: proves Web reaches CostApi by service discovery ("https+http://costapi").
using Microsoft.AspNetCore.Http.HttpResults;

// In the builder namespace (as ServiceDefaults does), so Program.cs needs one line and no using.
namespace Microsoft.AspNetCore.Builder;

public sealed record CostApiDiagnostics(string BaseAddress, int StatusCode, string Body);

public static class DiagnosticsApi
{
    public static IEndpointRouteBuilder MapDiagnosticsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/diagnostics").MapGet("/costapi", GetCostApi);
        return routes;
    }

    private static async Task<Ok<CostApiDiagnostics>> GetCostApi(IHttpClientFactory httpClientFactory, CancellationToken cancellationToken)
    {
        // Every factory client carries the service-discovery handler from AddServiceDefaults.
        var client = httpClientFactory.CreateClient("costapi-diagnostics");
        client.BaseAddress = new Uri("https+http://costapi");
        using var response = await client.GetAsync("/api/diagnostics/db", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return TypedResults.Ok(new CostApiDiagnostics(client.BaseAddress.ToString(), (int)response.StatusCode, body));
    }
}
