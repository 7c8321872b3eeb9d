using Lab.Contracts.Costs;
using Lab.CostApi.Prices;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lab.CostApi.Apis;

public static class PricesApi
{
    public static IEndpointRouteBuilder MapPricesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/prices").WithTags("Prices");
        api.MapGet("/", ListAsync);
        api.MapGet("/{gpu}", GetAsync);
        api.MapPut("/{gpu}", UpsertAsync).RequireWriter();
        return app;
    }

    private static async Task<Ok<IReadOnlyList<GpuPrice>>> ListAsync(PriceStore prices, CancellationToken ct) =>
        TypedResults.Ok(await prices.ListAsync(ct));

    private static async Task<Results<Ok<GpuPrice>, ProblemHttpResult>> GetAsync(string gpu, PriceStore prices, CancellationToken ct) =>
        await prices.GetAsync(gpu, ct) is { } price ? TypedResults.Ok(price) : Problems.NotFound("GPU price", gpu);

    private static async Task<Results<Ok<GpuPrice>, ValidationProblem>> UpsertAsync(string gpu, GpuPrice price, PriceStore prices, CancellationToken ct)
    {
        if (price.Gpu != gpu)
            return Problems.Invalid("gpu", $"Must equal the GPU in the path ('{gpu}'); got '{price.Gpu}'.");
        if (price.UsdPerGpuHour <= 0)
            return Problems.Invalid("usdPerGpuHour", "Must be > 0 (US dollars per GPU-hour).");
        if (string.IsNullOrWhiteSpace(price.Source))
            return Problems.Invalid("source", "Required: where the price comes from (provider and offer).");
        if (price.AsOf == default)
            return Problems.Invalid("asOf", "Required: the date the price was true (yyyy-MM-dd).");
        return TypedResults.Ok(await prices.UpsertAsync(price, ct));
    }
}
