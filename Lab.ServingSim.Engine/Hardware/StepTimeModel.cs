// The physics of one engine step: weight streaming vs compute, attention over the KV context, and prefill's quadratic part.
namespace Lab.ServingSim.Engine.Hardware;

/// <summary>
/// t_step = t_fixed + max(T_mem + s_mem·n, T_0 + s_cmp·n) + k_kv·K + k_pf·Σ c·(p + c/2), in seconds.
/// n: tokens scheduled in the step; K: total context of the decoding sequences; c: a prefill chunk after p computed tokens.
/// </summary>
public readonly struct StepTimeModel
{
    public StepTimeModel(HardwareProfile profile)
        : this(profile.TFixedMs, profile.TMemMs, profile.SMemMsPerToken, profile.T0Ms, profile.SCmpMsPerToken,
            profile.KKvMsPerContextToken, profile.KPfMsPerPair)
    {
    }

    public StepTimeModel(double tFixedMs, double tMemMs, double sMemMs, double t0Ms, double sCmpMs, double kKvMs, double kPfMs)
    {
        TFixed = tFixedMs / 1000.0;
        TMem = tMemMs / 1000.0;
        SMem = sMemMs / 1000.0;
        T0 = t0Ms / 1000.0;
        SCmp = sCmpMs / 1000.0;
        KKv = kKvMs / 1000.0;
        KPf = kPfMs / 1000.0;
    }

    public double TFixed { get; }
    public double TMem { get; }
    public double SMem { get; }
    public double T0 { get; }
    public double SCmp { get; }
    public double KKv { get; }
    public double KPf { get; }

    /// <param name="tokens">n, all tokens scheduled in the step (decode and prefill).</param>
    /// <param name="decodeContext">K, summed context length of the sequences decoding in the step.</param>
    /// <param name="prefillPairs">Σ c·(p + c/2) over the step's prefill chunks.</param>
    public double StepSeconds(int tokens, long decodeContext, double prefillPairs) =>
        TFixed + Math.Max(TMem + SMem * tokens, T0 + SCmp * tokens) + KKv * decodeContext + KPf * prefillPairs;

    /// <summary>The query·key pairs a prefill chunk of c tokens after p computed ones adds: c·(p + c/2).</summary>
    public static double PrefillPairs(int chunk, int computed) => chunk * (computed + chunk / 2.0);
}
