// An editable copy of a decision record for the Decisions page form, and the checks made before it is sent.
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;

namespace Lab.Web.Model;

public sealed class ClaimDraft
{
    public string Metric { get; set; } = "cost_per_1k_successful";
    public string Case { get; set; } = "";
    public string Profile { get; set; } = "";
    public string Comparator { get; set; } = "lt";
    /// <summary>"cell" compares with another cell, "value" with a fixed value (for slo: pass or miss).</summary>
    public string RightSide { get; set; } = "cell";
    public string OtherCase { get; set; } = "";
    public string OtherProfile { get; set; } = "";
    public string Value { get; set; } = "";
    public string Text { get; set; } = "";

    public static ClaimDraft From(Claim claim) => new()
    {
        Metric = claim.Metric,
        Case = claim.Case,
        Profile = claim.Profile,
        Comparator = claim.Comparator,
        RightSide = claim.Value is null ? "cell" : "value",
        OtherCase = claim.OtherCase ?? "",
        OtherProfile = claim.OtherProfile ?? "",
        Value = claim.Value ?? "",
        Text = claim.Text ?? "",
    };

    public Claim ToClaim() => RightSide == "value"
        ? new Claim(Metric, Case, Profile, Comparator, Value: Value.Trim(), Text: Blank(Text))
        : new Claim(Metric, Case, Profile, Comparator, OtherCase, OtherProfile, Text: Blank(Text));

    private static string? Blank(string s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

public sealed class DecisionDraft
{
    /// <summary>The summary metrics a claim may name (Lab.Contracts' Claim documents the same list).</summary>
    public static readonly IReadOnlyList<string> Metrics =
        ["cost_per_1k_successful", "cost_per_1m_tokens", "p95_latency_s", "p99_latency_s", "dropped", "successful", "dropped_fraction", "slo"];

    public static readonly IReadOnlyList<(string Id, string Text)> Comparators =
        [("lt", "<"), ("le", "≤"), ("gt", ">"), ("ge", "≥"), ("eq", "=")];

    public Guid? Id { get; init; }
    public string Experiment { get; set; } = "";
    public string Title { get; set; } = "";
    public string Statement { get; set; } = "";
    public List<ClaimDraft> Claims { get; } = [];

    public static DecisionDraft From(DecisionRecord record)
    {
        var draft = new DecisionDraft { Id = record.Id, Experiment = record.Experiment, Title = record.Title, Statement = record.Statement };
        draft.Claims.AddRange(record.Claims.Select(ClaimDraft.From));
        return draft;
    }

    public static DecisionDraft New(ExperimentDefinition experiment) => new() { Experiment = experiment.Id };

    public ClaimDraft AddClaim(ExperimentDefinition? experiment)
    {
        var claim = new ClaimDraft
        {
            Case = experiment?.Cases.FirstOrDefault()?.Id ?? "",
            Profile = experiment?.Profiles.LastOrDefault()?.Id ?? "",
            OtherCase = experiment?.Cases.FirstOrDefault()?.Id ?? "",
            OtherProfile = experiment?.Profiles.FirstOrDefault()?.Id ?? "",
        };
        Claims.Add(claim);
        return claim;
    }

    public DecisionRecordInput ToInput() => new(Experiment, Title.Trim(), Statement.Trim(), Claims.Select(c => c.ToClaim()).ToList());

    /// <summary>Problems a person can fix before sending, each naming the field and the allowed values.</summary>
    public IReadOnlyList<string> Validate(ExperimentDefinition? experiment)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Title))
        {
            errors.Add("Title: required.");
        }
        if (string.IsNullOrWhiteSpace(Statement))
        {
            errors.Add("Statement: required — the call this decision makes.");
        }
        var cases = experiment?.Cases.Select(c => c.Id).ToList();
        var profiles = experiment?.Profiles.Select(p => p.Id).ToList();
        for (var i = 0; i < Claims.Count; i++)
        {
            var c = Claims[i];
            var at = $"Claim {i + 1}";
            if (!Metrics.Contains(c.Metric))
            {
                errors.Add($"{at} metric: allowed values are {string.Join(", ", Metrics)}.");
            }
            if (Comparators.All(x => x.Id != c.Comparator))
            {
                errors.Add($"{at} comparator: allowed values are {string.Join(", ", Comparators.Select(x => x.Id))}.");
            }
            if (cases is not null && (!cases.Contains(c.Case) || (c.RightSide == "cell" && !cases.Contains(c.OtherCase))))
            {
                errors.Add($"{at} case: allowed values are {string.Join(", ", cases)}.");
            }
            if (profiles is not null && (!profiles.Contains(c.Profile) || (c.RightSide == "cell" && !profiles.Contains(c.OtherProfile))))
            {
                errors.Add($"{at} profile: allowed values are {string.Join(", ", profiles)}.");
            }
            if (c.RightSide == "value" && c.Metric == "slo" && c.Value.Trim() is not ("pass" or "miss"))
            {
                errors.Add($"{at} value: for slo the allowed values are pass, miss.");
            }
            else if (c.RightSide == "value" && c.Metric != "slo" && !double.TryParse(c.Value, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                errors.Add($"{at} value: a number (e.g. 0.02).");
            }
        }
        return errors;
    }
}
