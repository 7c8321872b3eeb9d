// Latency figures of one streamed response from raw timestamps, per Lab.Evidence/README.md (TPOT excludes the first token).
using Lab.Evidence;

namespace Lab.LoadWorker.Requests;

public sealed record StreamTimings(double? TtftMs, double? TpotMs, double? E2eMs, float[]? ItlMs)
{
    /// <param name="sentMs">When the request left, in ms on the same clock as the others.</param>
    /// <param name="chunkMs">Arrival time of every content chunk, in order.</param>
    /// <param name="lastByteMs">When the last byte arrived (null when the response never completed).</param>
    /// <param name="outputTokens">Tokens generated, for TPOT.</param>
    public static StreamTimings From(double sentMs, IReadOnlyList<double> chunkMs, double? lastByteMs, int outputTokens)
    {
        double? ttft = chunkMs.Count > 0 ? chunkMs[0] - sentMs : null;
        double? e2e = lastByteMs - sentMs;
        var tpot = RequestTiming.Tpot(e2e, ttft, outputTokens);
        float[]? itl = null;
        if (chunkMs.Count > 1)
        {
            itl = new float[chunkMs.Count - 1];
            for (var i = 1; i < chunkMs.Count; i++)
            {
                // Microsecond resolution: finer than any gap a client can observe, and short on the wire (CostApi
                // parses 127 of these per request; "12.345" takes its exact fast path, "12.345678" does not).
                itl[i - 1] = (float)Math.Round(chunkMs[i] - chunkMs[i - 1], 3);
            }
        }
        return new StreamTimings(ttft, tpot, e2e, itl);
    }
}
