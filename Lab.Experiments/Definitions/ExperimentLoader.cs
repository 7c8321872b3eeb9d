// Reads experiment files (YAML) and validates them into contract records, collecting every error at once.
using System.Globalization;
using System.Text.RegularExpressions;
using Lab.Contracts.Experiments;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Lab.Experiments.Definitions;

public static partial class ExperimentLoader
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(HyphenatedNamingConvention.Instance)
        .Build();

    /// <summary>Every *.yaml / *.yml file in the folder; throws with all errors of all files when any is invalid.</summary>
    public static IReadOnlyList<ExperimentDefinition> LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new ExperimentDefinitionException([new DefinitionError(directory, "(folder)", "the experiments folder does not exist")]);
        }
        var files = Directory.EnumerateFiles(directory, "*.yaml").Concat(Directory.EnumerateFiles(directory, "*.yml")).Order(StringComparer.Ordinal);
        var errors = new List<DefinitionError>();
        var experiments = new List<ExperimentDefinition>();
        var firstFileById = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var (experiment, fileErrors) = Parse(Path.GetFileName(file), File.ReadAllText(file), Path.GetDirectoryName(file));
            errors.AddRange(fileErrors);
            if (experiment is null)
            {
                continue;
            }
            if (firstFileById.TryGetValue(experiment.Id, out var other))
            {
                errors.Add(new DefinitionError(Path.GetFileName(file), "id", $"'{experiment.Id}' is already defined in {other}; experiment ids must be unique"));
                continue;
            }
            firstFileById[experiment.Id] = Path.GetFileName(file);
            experiments.Add(experiment);
        }
        return errors.Count > 0 ? throw new ExperimentDefinitionException(errors) : experiments;
    }

    /// <summary>One file's text; baseDirectory resolves trace files (null skips that check).</summary>
    public static ExperimentDefinition Load(string fileName, string yaml, string? baseDirectory = null)
    {
        var (experiment, errors) = Parse(fileName, yaml, baseDirectory);
        return errors.Count > 0 || experiment is null ? throw new ExperimentDefinitionException(errors) : experiment;
    }

    private static (ExperimentDefinition? Experiment, List<DefinitionError> Errors) Parse(string fileName, string yaml, string? baseDirectory)
    {
        ExperimentFile? file;
        try
        {
            file = Deserializer.Deserialize<ExperimentFile>(yaml);
        }
        catch (YamlException e)
        {
            var message = (e.InnerException?.Message ?? e.Message).Replace("YamlDotNet.Serialization.", "", StringComparison.Ordinal);
            var allowed = message.Contains("not found", StringComparison.Ordinal)
                ? " (allowed keys: id, title, question, focus, why-it-matters, calibration, cases, profiles, metric-groups, slo, evidence-boundary, decision-links and their documented children)"
                : "";
            return (null, [new DefinitionError(fileName, $"line {e.Start.Line}, column {e.Start.Column}", message + allowed)]);
        }
        if (file is null)
        {
            return (null, [new DefinitionError(fileName, "(file)", "the file is empty")]);
        }
        var validator = new Validator(fileName, baseDirectory);
        var experiment = validator.Validate(file);
        return (validator.Errors.Count == 0 ? experiment : null, validator.Errors);
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    internal static partial Regex IdPattern();

    private sealed class Validator(string fileName, string? baseDirectory)
    {
        public List<DefinitionError> Errors { get; } = [];

        private void Error(string field, string message) => Errors.Add(new DefinitionError(fileName, field, message));

        private string Text(string? value, string field)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Error(field, "is required");
                return "";
            }
            return value.Trim();
        }

        private string Id(string? value, string field)
        {
            var id = Text(value, field);
            if (id.Length > 0 && !IdPattern().IsMatch(id))
            {
                Error(field, $"'{id}' is not a valid id: use lower-case letters, digits and single dashes (e.g. steady-cost-efficiency)");
            }
            return id;
        }

        private T Positive<T>(T? value, string field) where T : struct, IComparable<T>
        {
            if (value is null)
            {
                Error(field, "is required and must be greater than 0");
                return default;
            }
            if (value.Value.CompareTo(default) <= 0)
            {
                Error(field, $"must be greater than 0 (got {value})");
            }
            return value.Value;
        }

        private void Unique(IEnumerable<string> ids, string list)
        {
            foreach (var duplicate in ids.Where(i => i.Length > 0).GroupBy(i => i).Where(g => g.Count() > 1))
            {
                Error(list, $"id '{duplicate.Key}' appears {duplicate.Count()} times; ids must be unique");
            }
        }

        public ExperimentDefinition Validate(ExperimentFile file)
        {
            var id = Id(file.Id, "id");
            var cases = (file.Cases ?? []).Select((c, i) => Case(c, $"cases[{i}]")).ToList();
            if (cases.Count == 0)
            {
                Error("cases", "at least one case is required");
            }
            Unique(cases.Select(c => c.Id), "cases");
            var profiles = (file.Profiles ?? []).Select((p, i) => Profile(p, $"profiles[{i}]")).ToList();
            if (profiles.Count == 0)
            {
                Error("profiles", "at least one profile is required");
            }
            Unique(profiles.Select(p => p.Id), "profiles");
            var groups = (file.MetricGroups ?? []).Select((g, i) => MetricGroup(g, $"metric-groups[{i}]")).ToList();
            var links = (file.DecisionLinks ?? []).Select((d, i) => new DecisionLink(
                Id(d.Id, $"decision-links[{i}].id"), Text(d.Title, $"decision-links[{i}].title"), d.Summary?.Trim() ?? "")).ToList();
            Unique(links.Select(l => l.Id), "decision-links");
            return new ExperimentDefinition(
                id, Text(file.Title, "title"), Text(file.Question, "question"), file.Focus?.Trim() ?? "", file.WhyItMatters?.Trim() ?? "",
                cases, profiles, groups, Slo(file.Slo), Text(file.EvidenceBoundary, "evidence-boundary"), links, file.Calibration?.Trim());
        }

        private CaseDefinition Case(CaseFile c, string path)
        {
            var id = Id(c.Id, path + ".id");
            var duration = Positive(c.DurationSeconds, path + ".duration-seconds");
            var timeout = Positive(c.TimeoutSeconds, path + ".timeout-seconds");
            var arrival = c.Arrival is null ? null : Arrival(c.Arrival, path + ".arrival");
            if (c.Arrival is null)
            {
                Error(path + ".arrival", $"is required (kind: one of {string.Join(", ", KnownNames.ArrivalKinds)})");
            }
            return new CaseDefinition(id, c.Description?.Trim() ?? "", Positive(c.PromptTokens, path + ".prompt-tokens"),
                Positive(c.OutputTokens, path + ".output-tokens"), arrival ?? new ArrivalDefinition("constant", 0), duration, timeout);
        }

        private ArrivalDefinition Arrival(ArrivalFile a, string path)
        {
            var kind = a.Kind?.Trim() ?? "";
            if (!KnownNames.ArrivalKinds.Contains(kind))
            {
                Error(path + ".kind", $"'{kind}' is not an arrival process; allowed: {string.Join(", ", KnownNames.ArrivalKinds)}");
            }
            // A trace replays its own offsets; every other process needs a rate.
            var rate = kind == "trace" ? a.Rate ?? 0 : Positive(a.Rate, path + ".rate");
            if (kind == "gamma")
            {
                Positive(a.Burstiness, path + ".burstiness");
            }
            BurstDefinition? bursts = null;
            if (kind == "bursts")
            {
                if (a.Bursts is null)
                {
                    Error(path + ".bursts", "is required for kind 'bursts' (spike-rate, spike-seconds, period-seconds, offset-seconds)");
                }
                else
                {
                    var b = a.Bursts;
                    bursts = new BurstDefinition(Positive(b.SpikeRate, path + ".bursts.spike-rate"), Positive(b.SpikeSeconds, path + ".bursts.spike-seconds"),
                        Positive(b.PeriodSeconds, path + ".bursts.period-seconds"), b.OffsetSeconds ?? 0);
                    if (bursts.SpikeSeconds > bursts.PeriodSeconds)
                    {
                        Error(path + ".bursts.spike-seconds", $"must not exceed period-seconds ({bursts.PeriodSeconds})");
                    }
                    if (bursts.OffsetSeconds < 0)
                    {
                        Error(path + ".bursts.offset-seconds", "must be 0 or more");
                    }
                }
            }
            if (kind == "trace")
            {
                var trace = Text(a.TraceFile, path + ".trace-file");
                if (trace.Length > 0 && baseDirectory is not null && !File.Exists(Path.Combine(baseDirectory, trace)))
                {
                    Error(path + ".trace-file", $"'{trace}' does not exist (paths are relative to the experiment file's folder)");
                }
            }
            return new ArrivalDefinition(kind, rate, a.Burstiness, bursts, a.TraceFile?.Trim());
        }

        private ProfileDefinition Profile(ProfileFile p, string path)
        {
            var args = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in p.ServerArgs ?? [])
            {
                var field = $"{path}.server-args.{name}";
                if (!KnownNames.ServerArgs.Contains(name))
                {
                    Error(field, $"'{name}' is not a known vLLM engine flag; allowed: {string.Join(", ", KnownNames.ServerArgs)}");
                }
                else if (KnownNames.IntegerServerArgs.Contains(name) && (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0))
                {
                    Error(field, $"must be a positive integer (got '{value}')");
                }
                else if (name == "gpu-memory-utilization" && (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var u) || u <= 0 || u > 1))
                {
                    Error(field, $"must be a fraction in (0, 1] (got '{value}')");
                }
                args[name] = value;
            }
            return new ProfileDefinition(Id(p.Id, path + ".id"), p.Description?.Trim() ?? "", Text(p.Model, path + ".model"), Text(p.Gpu, path + ".gpu"),
                Positive(p.GpusPerReplica, path + ".gpus-per-replica"), Positive(p.Replicas, path + ".replicas"),
                Text(p.PriceRef, path + ".price-ref"), args, string.IsNullOrWhiteSpace(p.Target) ? null : p.Target.Trim());
        }

        private MetricGroup MetricGroup(MetricGroupFile g, string path)
        {
            var metrics = g.Metrics ?? [];
            for (var i = 0; i < metrics.Count; i++)
            {
                if (!KnownNames.Metrics.Contains(metrics[i]))
                {
                    Error($"{path}.metrics[{i}]", $"'{metrics[i]}' is not a known metric; allowed: {string.Join(", ", KnownNames.Metrics)}");
                }
            }
            return new MetricGroup(Text(g.Name, path + ".name"), metrics);
        }

        private SloDefinition Slo(SloFile? slo)
        {
            if (slo is null)
            {
                Error("slo", "is required (p95-latency-seconds, p99-latency-seconds, max-dropped-fraction; omit a term to leave it unchecked)");
                return new SloDefinition(null, null, null);
            }
            if (slo.P95LatencySeconds is <= 0)
            {
                Error("slo.p95-latency-seconds", "must be greater than 0");
            }
            if (slo.P99LatencySeconds is <= 0)
            {
                Error("slo.p99-latency-seconds", "must be greater than 0");
            }
            if (slo.MaxDroppedFraction is < 0 or > 1)
            {
                Error("slo.max-dropped-fraction", "must be a fraction between 0 and 1 (0.01 = 1 %)");
            }
            return new SloDefinition(slo.P95LatencySeconds, slo.P99LatencySeconds, slo.MaxDroppedFraction);
        }
    }
}
