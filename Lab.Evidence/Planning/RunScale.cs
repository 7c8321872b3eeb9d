// The one rule for a run's scale (README "Run plan"): a fraction in (0, 1] of the case's duration at the same rates.
using System.Globalization;

namespace Lab.Evidence;

public static class RunScale
{
    public const string Allowed = "above 0 and at most 1 (0.1 runs the first tenth of the schedule at the same rates; bursts keep whole burst periods)";

    public static bool IsValid(double scale) => scale > 0 && scale <= 1;

    /// <summary>Null for a valid scale; otherwise what was wrong and what is allowed, for a 400, a CLI error or a page.</summary>
    public static string? Problem(double scale) => IsValid(scale)
        ? null
        : string.Create(CultureInfo.InvariantCulture, $"must be {Allowed}, not {scale}");
}
