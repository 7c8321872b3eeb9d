// GPU prices: configuration with a source and an as-of date, read by run registration and reports.
using Lab.Contracts.Costs;
using Npgsql;

namespace Lab.CostApi.Prices;

public sealed class PriceStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<IReadOnlyList<GpuPrice>> ListAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT gpu, usd_per_gpu_hour, source, as_of FROM gpu_prices ORDER BY gpu");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var prices = new List<GpuPrice>();
        while (await reader.ReadAsync(ct))
        {
            prices.Add(Read(reader));
        }
        return prices;
    }

    public async Task<GpuPrice?> GetAsync(string gpu, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT gpu, usd_per_gpu_hour, source, as_of FROM gpu_prices WHERE gpu = @gpu");
        command.Parameters.AddWithValue("gpu", gpu);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<GpuPrice> UpsertAsync(GpuPrice price, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO gpu_prices (gpu, usd_per_gpu_hour, source, as_of, updated_at) VALUES (@gpu, @usd, @source, @asOf, @now)
            ON CONFLICT (gpu) DO UPDATE SET usd_per_gpu_hour = EXCLUDED.usd_per_gpu_hour, source = EXCLUDED.source,
                as_of = EXCLUDED.as_of, updated_at = EXCLUDED.updated_at
            """);
        command.Parameters.AddWithValue("gpu", price.Gpu);
        command.Parameters.AddWithValue("usd", price.UsdPerGpuHour);
        command.Parameters.AddWithValue("source", price.Source);
        command.Parameters.AddWithValue("asOf", price.AsOf);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        await command.ExecuteNonQueryAsync(ct);
        return (await GetAsync(price.Gpu, ct))!;
    }

    private static GpuPrice Read(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetDecimal(1), reader.GetString(2), reader.GetFieldValue<DateOnly>(3));
}
