// A small, fast, seed-stable random source (xoshiro256**), so a plan is identical on every machine and .NET version.
namespace Lab.Evidence;

public sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareNormal;

    public SeededRandom(long seed)
    {
        // SplitMix64 expands the seed into the four state words, as the xoshiro authors recommend.
        var x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in (0, 1]: safe under a logarithm.</summary>
    public double NextOpenDouble() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    public int NextInt(int exclusiveMax) => (int)((NextUInt64() >> 33) % (ulong)exclusiveMax);

    public double NextExponential(double rate) => -Math.Log(NextOpenDouble()) / rate;

    public double NextStandardNormal()
    {
        if (_spareNormal is { } spare)
        {
            _spareNormal = null;
            return spare;
        }
        // Box–Muller: two uniforms give two independent normals; keep the second for the next call.
        var r = Math.Sqrt(-2.0 * Math.Log(NextOpenDouble()));
        var theta = 2.0 * Math.PI * NextDouble();
        _spareNormal = r * Math.Sin(theta);
        return r * Math.Cos(theta);
    }

    /// <summary>Gamma(shape, scale) by Marsaglia–Tsang; shapes below 1 use the U^(1/shape) boost.</summary>
    public double NextGamma(double shape, double scale)
    {
        if (shape < 1.0)
        {
            return NextGamma(shape + 1.0, scale) * Math.Pow(NextOpenDouble(), 1.0 / shape);
        }
        var d = shape - 1.0 / 3.0;
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = NextStandardNormal();
                v = 1.0 + c * x;
            } while (v <= 0);
            v = v * v * v;
            var u = NextOpenDouble();
            if (u < 1.0 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1.0 - v + Math.Log(v)))
            {
                return d * v * scale;
            }
        }
    }
}
