namespace Lab.Contracts.Costs;

/// <summary>An on-demand GPU price with where it came from and when it was true.</summary>
public sealed record GpuPrice(string Gpu, decimal UsdPerGpuHour, string Source, DateOnly AsOf);
