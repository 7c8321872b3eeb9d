// Evaluates decision claims against the selected runs' summaries and shows the values each one used. Pure.
using System.Globalization;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Lab.CostApi.Summaries;
using Lab.Evidence;

namespace Lab.CostApi.Decisions;

public static class ClaimEvaluator
{
    public static readonly string[] Metrics =
        ["cost_per_1k_successful", "cost_per_1m_tokens", "p95_latency_s", "p99_latency_s", "dropped", "successful", "dropped_fraction", "slo"];

    public static readonly string[] Comparators = ["lt", "le", "gt", "ge", "eq"];

    /// <summary>Contradicted when any claim fails (a failure is evidence), else Pending while any lacks evidence, else Supported.</summary>
    public static (IReadOnlyList<ClaimEvaluation> Evaluations, DecisionStatus Status) Evaluate(
        IReadOnlyList<Claim> claims, Func<string, string, RunSummary?> summaryOf)
    {
        var evaluations = claims.Select(c => Evaluate(c, summaryOf)).ToList();
        var status = evaluations.Any(e => e.Status == ClaimStatus.Fails) ? DecisionStatus.Contradicted
            : evaluations.Any(e => e.Status == ClaimStatus.Pending) ? DecisionStatus.Pending
            : DecisionStatus.Supported;
        return (evaluations, status);
    }

    public static ClaimEvaluation Evaluate(Claim claim, Func<string, string, RunSummary?> summaryOf)
    {
        var leftCell = $"{claim.Case}/{claim.Profile}";
        var left = Value(claim.Metric, summaryOf(claim.Case, claim.Profile));
        if (left is null)
        {
            return new ClaimEvaluation(claim, ClaimStatus.Pending, null, null, $"No finalized selected run with {claim.Metric} for {leftCell} yet.");
        }

        string rightLabel;
        MetricValue? right;
        if (claim.OtherCase is not null && claim.OtherProfile is not null)
        {
            rightLabel = $"{claim.OtherCase}/{claim.OtherProfile}";
            right = Value(claim.Metric, summaryOf(claim.OtherCase, claim.OtherProfile));
            if (right is null)
            {
                return new ClaimEvaluation(claim, ClaimStatus.Pending, left.Display, null, $"No finalized selected run with {claim.Metric} for {rightLabel} yet.");
            }
        }
        else
        {
            rightLabel = "the stated value";
            right = claim.Metric == "slo"
                ? new MetricValue(null, claim.Value ?? "", claim.Value ?? "")
                : decimal.TryParse(claim.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                    ? new MetricValue(v, null, claim.Value!) : null;
            if (right is null)
            {
                return new ClaimEvaluation(claim, ClaimStatus.Pending, left.Display, claim.Value, $"'{claim.Value}' is not a number to compare with.");
            }
        }

        var holds = left.Number is { } a && right.Number is { } b
            ? claim.Comparator switch { "lt" => a < b, "le" => a <= b, "gt" => a > b, "ge" => a >= b, _ => a == b }
            : claim.Comparator == "eq" && string.Equals(left.Text, right.Text, StringComparison.OrdinalIgnoreCase);
        var explanation = $"{claim.Metric} of {leftCell} is {left.Display}; {Symbol(claim.Comparator)} {rightLabel} {right.Display}: {(holds ? "holds" : "fails")}.";
        return new ClaimEvaluation(claim, holds ? ClaimStatus.Holds : ClaimStatus.Fails, left.Display, right.Display, explanation);
    }

    private sealed record MetricValue(decimal? Number, string? Text, string Display);

    private static MetricValue? Value(string metric, RunSummary? s)
    {
        if (s is null)
        {
            return null;
        }
        MetricValue Money(decimal? v) => new(v, null, CostMath.Format(v));
        MetricValue? Seconds(double? ms) => ms is { } v ? new((decimal)(v / 1000), null, (v / 1000).ToString("0.00", CultureInfo.InvariantCulture) + "s") : null;
        return metric switch
        {
            "cost_per_1k_successful" => s.CostPer1KSuccessfulUsd is null ? null : Money(s.CostPer1KSuccessfulUsd),
            "cost_per_1m_tokens" => s.CostPer1MTokensUsd is null ? null : Money(s.CostPer1MTokensUsd),
            "p95_latency_s" => Seconds(s.RequestLatency?.P95),
            "p99_latency_s" => Seconds(s.RequestLatency?.P99),
            "dropped" => new(s.Dropped, null, s.Dropped.ToString(CultureInfo.InvariantCulture)),
            "successful" => new(s.Successful, null, s.Successful.ToString(CultureInfo.InvariantCulture)),
            "dropped_fraction" => s.Scheduled > 0 ? new((decimal)s.Dropped / s.Scheduled, null, ((double)s.Dropped / s.Scheduled).ToString("0.####", CultureInfo.InvariantCulture)) : null,
            "slo" => new(null, s.Slo.Passed ? "pass" : "miss", s.Slo.Passed ? "pass" : "miss"),
            _ => null,
        };
    }

    private static string Symbol(string comparator) => comparator switch
    {
        "lt" => "<", "le" => "≤", "gt" => ">", "ge" => "≥", _ => "=",
    };

    public static Dictionary<string, string[]> Validate(DecisionRecordInput? input, ExperimentDefinition? definition)
    {
        var errors = new Dictionary<string, string[]>();
        if (input is null)
        {
            errors["body"] = ["Required: experiment, title, statement and claims."];
            return errors;
        }
        if (string.IsNullOrWhiteSpace(input.Experiment)) errors["experiment"] = ["Required: the experiment this record cites."];
        if (string.IsNullOrWhiteSpace(input.Title)) errors["title"] = ["Required."];
        if (string.IsNullOrWhiteSpace(input.Statement)) errors["statement"] = ["Required."];
        var claims = input.Claims ?? [];
        var cases = definition?.Cases.Select(c => c.Id).ToHashSet();
        var profiles = definition?.Profiles.Select(p => p.Id).ToHashSet();
        for (var i = 0; i < claims.Count; i++)
        {
            var c = claims[i];
            void Fail(string field, string message) => errors[$"claims[{i}].{field}"] = [message];
            if (!Metrics.Contains(c.Metric)) Fail("metric", $"Allowed values: {string.Join(", ", Metrics)}.");
            if (!Comparators.Contains(c.Comparator)) Fail("comparator", $"Allowed values: {string.Join(", ", Comparators)}.");
            if (cases is not null && !cases.Contains(c.Case)) Fail("case", $"Allowed values: {string.Join(", ", cases)}.");
            if (profiles is not null && !profiles.Contains(c.Profile)) Fail("profile", $"Allowed values: {string.Join(", ", profiles)}.");
            var hasCell = c.OtherCase is not null && c.OtherProfile is not null;
            if (hasCell == (c.Value is not null)) Fail("value", "Give either otherCase and otherProfile (compare two cells) or value (compare with a constant).");
            if (c.OtherCase is not null && cases is not null && !cases.Contains(c.OtherCase)) Fail("otherCase", $"Allowed values: {string.Join(", ", cases)}.");
            if (c.OtherProfile is not null && profiles is not null && !profiles.Contains(c.OtherProfile)) Fail("otherProfile", $"Allowed values: {string.Join(", ", profiles)}.");
            if (c.Metric == "slo" && (c.Comparator != "eq" || c.Value is not ("pass" or "miss") && !hasCell))
                Fail("value", "An slo claim uses comparator eq with value pass or miss (or another cell).");
            if (c.Metric != "slo" && c.Value is not null && !decimal.TryParse(c.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                Fail("value", "Must be a number (invariant culture, e.g. 0.02).");
        }
        return errors;
    }
}
