// Plans when each request of a case is sent: pure, seeded, open loop (a slow server never delays an arrival).
using Lab.Contracts.Experiments;

namespace Lab.Evidence;

public static class ArrivalSchedule
{
    public static readonly IReadOnlyList<string> Kinds = ["constant", "poisson", "gamma", "bursts", "trace"];

    /// <summary>
    /// Send offsets in seconds from the run's start, ascending, all in [0, durationSeconds).
    /// constant: one request every 1/rate from 0. poisson: exponential gaps, mean 1/rate.
    /// gamma: gaps ~ Gamma(shape = burstiness, scale = 1/(rate·burstiness)), vLLM's convention (1 = Poisson).
    /// bursts: Poisson at the base rate plus, every PeriodSeconds from OffsetSeconds, SpikeSeconds of
    /// extra Poisson arrivals at SpikeRate. trace: offsets read from TraceFile (see <see cref="ArrivalTrace"/>).
    /// The same definition, duration and seed always give the same offsets.
    /// </summary>
    public static double[] Plan(ArrivalDefinition arrival, double durationSeconds, long seed)
    {
        ArgumentNullException.ThrowIfNull(arrival);
        if (!(durationSeconds > 0) || double.IsInfinity(durationSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(durationSeconds), durationSeconds, "durationSeconds must be a positive finite number of seconds.");
        }
        var kind = arrival.Kind?.Trim().ToLowerInvariant();
        return kind switch
        {
            "constant" => Constant(RequirePositiveRate(arrival), durationSeconds),
            "poisson" => Poisson(RequirePositiveRate(arrival), durationSeconds, new SeededRandom(seed)),
            "gamma" => Gamma(RequirePositiveRate(arrival), RequireBurstiness(arrival), durationSeconds, new SeededRandom(seed)),
            "bursts" => Bursts(arrival, durationSeconds, new SeededRandom(seed)),
            "trace" => ArrivalTrace.Load(arrival.TraceFile ?? throw new ArgumentException(
                "arrival.traceFile is required when arrival.kind is 'trace' (a file of send offsets in seconds, one per line).",
                nameof(arrival)), durationSeconds),
            _ => throw new ArgumentException(
                $"arrival.kind '{arrival.Kind}' is not one of: {string.Join(", ", Kinds)}.", nameof(arrival)),
        };
    }

    /// <summary>The mean number of arrivals per second the definition asks for (for sizing and checks).</summary>
    public static double MeanRate(ArrivalDefinition arrival) => arrival.Kind?.Trim().ToLowerInvariant() switch
    {
        "bursts" when arrival.Bursts is { } b && b.PeriodSeconds > 0 =>
            arrival.Rate + b.SpikeRate * Math.Min(b.SpikeSeconds, b.PeriodSeconds) / b.PeriodSeconds,
        _ => arrival.Rate,
    };

    private static double[] Constant(double rate, double duration)
    {
        var count = (int)Math.Ceiling(duration * rate - 1e-9);
        var offsets = new double[Math.Max(count, 0)];
        for (var i = 0; i < offsets.Length; i++)
        {
            offsets[i] = i / rate;
        }
        return offsets;
    }

    private static double[] Poisson(double rate, double duration, SeededRandom random)
    {
        var offsets = new List<double>((int)Math.Min(duration * rate * 1.1 + 16, int.MaxValue / 2));
        for (var t = random.NextExponential(rate); t < duration; t += random.NextExponential(rate))
        {
            offsets.Add(t);
        }
        return [.. offsets];
    }

    private static double[] Gamma(double rate, double burstiness, double duration, SeededRandom random)
    {
        var scale = 1.0 / (rate * burstiness);
        var offsets = new List<double>((int)Math.Min(duration * rate * 1.1 + 16, int.MaxValue / 2));
        for (var t = random.NextGamma(burstiness, scale); t < duration; t += random.NextGamma(burstiness, scale))
        {
            offsets.Add(t);
        }
        return [.. offsets];
    }

    private static double[] Bursts(ArrivalDefinition arrival, double duration, SeededRandom random)
    {
        var bursts = arrival.Bursts ?? throw new ArgumentException(
            "arrival.bursts is required when arrival.kind is 'bursts' (spikeRate, spikeSeconds, periodSeconds, offsetSeconds).",
            nameof(arrival));
        if (arrival.Rate < 0 || double.IsNaN(arrival.Rate))
        {
            throw new ArgumentException($"arrival.rate must be zero or more for bursts (the base rate); got {arrival.Rate}.", nameof(arrival));
        }
        if (!(bursts.SpikeRate > 0) || !(bursts.SpikeSeconds > 0) || !(bursts.PeriodSeconds > 0) || bursts.OffsetSeconds < 0)
        {
            throw new ArgumentException(
                "arrival.bursts needs spikeRate > 0, spikeSeconds > 0, periodSeconds > 0 and offsetSeconds >= 0.", nameof(arrival));
        }

        // The base stream and the spike stream are independent Poisson processes; their union is merged in order.
        var baseStream = arrival.Rate > 0 ? Poisson(arrival.Rate, duration, random) : [];
        var spikes = new List<double>();
        for (var start = bursts.OffsetSeconds; start < duration; start += bursts.PeriodSeconds)
        {
            var end = Math.Min(start + Math.Min(bursts.SpikeSeconds, bursts.PeriodSeconds), duration);
            for (var t = start + random.NextExponential(bursts.SpikeRate); t < end; t += random.NextExponential(bursts.SpikeRate))
            {
                spikes.Add(t);
            }
        }
        return Merge(baseStream, spikes);
    }

    private static double[] Merge(double[] a, List<double> b)
    {
        var merged = new double[a.Length + b.Count];
        int i = 0, j = 0, k = 0;
        while (i < a.Length && j < b.Count)
        {
            merged[k++] = a[i] <= b[j] ? a[i++] : b[j++];
        }
        while (i < a.Length)
        {
            merged[k++] = a[i++];
        }
        while (j < b.Count)
        {
            merged[k++] = b[j++];
        }
        return merged;
    }

    private static double RequirePositiveRate(ArrivalDefinition arrival) =>
        arrival.Rate > 0 && !double.IsInfinity(arrival.Rate)
            ? arrival.Rate
            : throw new ArgumentException($"arrival.rate must be a positive number of requests per second for kind '{arrival.Kind}'; got {arrival.Rate}.", nameof(arrival));

    private static double RequireBurstiness(ArrivalDefinition arrival) =>
        arrival.Burstiness is { } b && b > 0 && !double.IsInfinity(b)
            ? b
            : throw new ArgumentException(
                $"arrival.burstiness must be a positive number for kind 'gamma' (1 = Poisson, below 1 burstier); got {arrival.Burstiness?.ToString() ?? "nothing"}.",
                nameof(arrival));
}
