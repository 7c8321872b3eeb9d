// Histogram percentiles from explicit buckets, as the metrics chart shows them.
using Lab.Dashboard.Storage;

namespace Lab.Dashboard.Tests;

public sealed class MetricSeriesTests
{
    [Fact]
    public void Percentile_interpolates_inside_the_bucket_that_holds_the_rank()
    {
        double[] bounds = [0.1, 0.5, 1, 5];
        ulong[] counts = [0, 10, 10, 0, 0]; // 10 in (0.1, 0.5], 10 in (0.5, 1]

        Assert.Equal(0.5, MetricSeriesBuilder.Percentile(bounds, counts, 0.5)!.Value, 9);
        Assert.Equal(0.95, MetricSeriesBuilder.Percentile(bounds, counts, 0.95)!.Value, 9);
        Assert.Equal(5, MetricSeriesBuilder.Percentile(bounds, [0, 0, 0, 0, 3], 0.5)); // overflow bucket: its lower edge
        Assert.Null(MetricSeriesBuilder.Percentile(bounds, [0, 0, 0, 0, 0], 0.5));
    }
}
