// Counts positive durations in log-linear buckets (relative error < 0.025 %), so ITL over 10^8 gaps needs no 1 GB array.
using Lab.Evidence;

namespace Lab.ServingSim.Engine.Simulation;

public sealed class IntervalHistogram
{
    // A bucket is a double's exponent plus its top 12 mantissa bits: the bucket width is 1/4096 of the value.
    private const int MantissaBits = 12;
    private const int MinExponent = 1023 - 30; // ~1 ns
    private const int MaxExponent = 1023 + 14; // ~16000 s
    private readonly long[] _counts = new long[(MaxExponent - MinExponent + 1) << MantissaBits];

    public long Count { get; private set; }

    public void Add(double seconds)
    {
        var bits = BitConverter.DoubleToInt64Bits(seconds);
        var index = (bits >> (52 - MantissaBits)) - ((long)MinExponent << MantissaBits);
        _counts[Math.Clamp(index, 0, _counts.Length - 1)]++;
        Count++;
    }

    /// <summary>Nearest-rank percentile; the bucket's midpoint stands for its values.</summary>
    public double Percentile(double percentile)
    {
        if (Count == 0)
        {
            return double.NaN;
        }
        var rank = NearestRank.Rank(Count, percentile);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                var low = BitConverter.Int64BitsToDouble((i + ((long)MinExponent << MantissaBits)) << (52 - MantissaBits));
                var high = BitConverter.Int64BitsToDouble((i + 1 + ((long)MinExponent << MantissaBits)) << (52 - MantissaBits));
                return (low + high) / 2;
            }
        }
        return double.NaN;
    }

    public LatencySummary Summarize() => new(Percentile(50), Percentile(95), Percentile(99));
}
