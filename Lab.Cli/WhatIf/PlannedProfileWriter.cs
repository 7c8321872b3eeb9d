// `plan --write`: the recommendation as a new profile of the experiment file, written as text so every comment and the
// author's layout survive; the result is loaded with the orchestrator's own loader before it replaces the file.
using System.Globalization;
using System.Text;
using Lab.Cli.Commands;
using Lab.Contracts.Experiments;
using Lab.Experiments.Definitions;
using Lab.ServingSim.Planner;

namespace Lab.Cli.WhatIf;

public static class PlannedProfileWriter
{
    /// <summary>The profile id a case's pick is written under.</summary>
    public static string ProfileId(string caseId) => $"planned-{caseId}";

    /// <summary>The AppHost service that serves a planned profile locally (one GPU twin per profile, as for the others).</summary>
    public static string Target(string caseId) => $"gpu-planned-{caseId}";

    /// <summary>The file under experiments/ that defines the experiment; a usage error naming the files when none does.</summary>
    public static string FindFile(string experimentsDirectory, string experimentId)
    {
        if (!Directory.Exists(experimentsDirectory))
        {
            throw new CliError($"There is no {experimentsDirectory} to write the planned profile to.", ExitCodes.Failure,
                "Run plan --write inside the repository (the experiment files live in experiments/).");
        }
        var files = Directory.GetFiles(experimentsDirectory, "*.yaml").Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            try
            {
                if (ExperimentLoader.Load(Path.GetFileName(file), File.ReadAllText(file)).Id == experimentId)
                {
                    return file;
                }
            }
            catch (ExperimentDefinitionException)
            {
                // Checked again below if it is the one being written; an unrelated broken file is not this command's business.
                if (File.ReadAllLines(file).Any(l => l.Trim() == $"id: {experimentId}"))
                {
                    return file;
                }
            }
        }
        throw new CliError($"No file in {experimentsDirectory} defines experiment '{experimentId}' ({files.Count} file(s) there).");
    }

    /// <summary>
    /// Adds (or replaces) profile planned-&lt;case&gt; in the file. Nothing is written unless the file loads before and after
    /// the change and can be replaced; the error says which and why. Returns the profile id.
    /// </summary>
    public static string Write(string path, CasePlan plan, PlanReport report, DateTimeOffset now)
    {
        var pick = plan.Pick ?? throw CliError.Usage(
            $"Case {plan.Case} has no setup that meets the SLO, so there is nothing to write; the closest misses it.",
            "Widen the space (--max-replicas, --gpus) or relax the SLO, then plan again.");
        var fileName = Path.GetFileName(path);
        var original = File.ReadAllText(path);
        try
        {
            ExperimentLoader.Load(fileName, original);
        }
        catch (ExperimentDefinitionException e)
        {
            throw new CliError($"{path} is not a valid experiment file, so nothing was written: {e.Message}", ExitCodes.Failure,
                "Fix the file (the orchestrator refuses it too), then plan --write again.");
        }
        var id = ProfileId(plan.Case);
        var updated = Insert(original, id, Block(id, plan, pick, report, now));
        ExperimentDefinition written;
        try
        {
            written = ExperimentLoader.Load(fileName, updated);
        }
        catch (ExperimentDefinitionException e)
        {
            throw new CliError($"The planned profile would make {path} invalid, so nothing was written: {e.Message}");
        }
        if (written.Profiles.All(p => p.Id != id))
        {
            throw new CliError($"The planned profile did not land in {path}'s profiles (the file's layout is not the one plan --write knows), so nothing was written.");
        }
        Replace(path, updated);
        return id;
    }

    private static string Block(string id, CasePlan plan, PlannedSetup pick, PlanReport report, DateTimeOffset now)
    {
        var f = pick.Predicted;
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(inv, $"  # {id}: written by `experiment plan {report.Experiment}` on {now.UtcDateTime:yyyy-MM-dd} from the GPU twin in virtual time\n");
        text.Append(inv, $"  # (seed {report.Seed}, scale {report.Scale}, {plan.Counts.Simulated} of {plan.Counts.Space} setups simulated). Predicted for {plan.Case}:\n");
        text.Append(inv, $"  # {f.Successful} successful / {f.Dropped} dropped, p95 {f.P95LatencySeconds:0.###} s, p99 {f.P99LatencySeconds:0.###} s, ");
        text.Append(inv, $"{CostMathFormat(f.CostPer1KSuccessfulUsd)} per 1K successful, {CostMathFormat(f.CostPer1MTokensUsd)} per 1M tokens, SLO {(f.Slo.Passed ? "pass" : "miss")}.\n");
        text.Append(inv, $"  # Confirm it live: ./scripts/experiment plan {report.Experiment} --case {plan.Case} --verify\n");
        text.Append(inv, $"  - id: {id}\n");
        text.Append(inv, $"    description: the planner's pick for {plan.Case}, the cheapest setup per 1K successful requests that meets the SLO on the twin\n");
        text.Append(inv, $"    model: {pick.Model}\n");
        text.Append(inv, $"    gpu: {pick.Gpu}\n");
        text.Append(inv, $"    gpus-per-replica: {pick.TensorParallel}\n");
        text.Append(inv, $"    replicas: {pick.Replicas}\n");
        text.Append(inv, $"    price-ref: {pick.Gpu}\n");
        text.Append(inv, $"    target: {Target(plan.Case)}\n");
        text.Append("    server-args:\n");
        foreach (var (name, value) in pick.ServerArgs)
        {
            text.Append(inv, $"      {name}: \"{value}\"\n");
        }
        return text.ToString();
    }

    private static string CostMathFormat(decimal? usd) => Lab.Evidence.CostMath.Format(usd);

    /// <summary>
    /// The block goes after the last indented line of the top-level profiles: section, or in place of an earlier block of
    /// the same id (its comment lines and its entry up to the next entry or the section's end).
    /// </summary>
    internal static string Insert(string yaml, string id, string block)
    {
        var newline = yaml.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = yaml.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        var start = lines.FindIndex(l => l.TrimEnd() == "profiles:");
        if (start < 0)
        {
            throw new CliError("The experiment file has no top-level 'profiles:' section to add the planned profile to, so nothing was written.");
        }
        var end = lines.FindIndex(start + 1, l => l.Length > 0 && !char.IsWhiteSpace(l[0]) && !l.StartsWith('#'));
        if (end < 0)
        {
            end = lines.Count;
        }
        var lastIndented = start;
        for (var i = start + 1; i < end; i++)
        {
            if (lines[i].Length > 0 && char.IsWhiteSpace(lines[i][0]) && lines[i].Trim().Length > 0)
            {
                lastIndented = i;
            }
        }
        var blockLines = block.TrimEnd('\n').Split('\n');
        var existing = lines.FindIndex(start + 1, Math.Max(0, end - start - 1), l => l.Trim() == $"- id: {id}");
        if (existing >= 0)
        {
            var from = existing;
            while (from - 1 > start && lines[from - 1].TrimStart().StartsWith('#'))
            {
                from--;
            }
            var to = existing + 1;
            while (to <= lastIndented && !lines[to].TrimStart().StartsWith("- ", StringComparison.Ordinal) && !IsNextEntryComment(lines, to, lastIndented))
            {
                to++;
            }
            lines.RemoveRange(from, to - from);
            lines.InsertRange(from, blockLines);
        }
        else
        {
            lines.InsertRange(lastIndented + 1, blockLines);
        }
        return string.Join(newline, lines);
    }

    /// <summary>A comment line that opens the next entry (comments directly above a "- " line belong to it).</summary>
    private static bool IsNextEntryComment(List<string> lines, int index, int lastIndented)
    {
        if (!lines[index].TrimStart().StartsWith('#'))
        {
            return false;
        }
        var next = index;
        while (next <= lastIndented && lines[next].TrimStart().StartsWith('#'))
        {
            next++;
        }
        return next <= lastIndented && lines[next].TrimStart().StartsWith("- ", StringComparison.Ordinal);
    }

    /// <summary>
    /// Written beside and renamed over, so a reader never sees half a file. A file without its owner's write bit is left
    /// alone even for root (whose rename would bypass it): read-only means the author does not want it changed.
    /// </summary>
    private static void Replace(string path, string text)
    {
        var next = $"{path}.{Environment.ProcessId}.next";
        try
        {
            var readOnly = OperatingSystem.IsWindows()
                ? File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly)
                : (File.GetUnixFileMode(path) & UnixFileMode.UserWrite) == 0;
            if (readOnly)
            {
                throw new UnauthorizedAccessException("the file is read-only");
            }
            File.WriteAllText(next, text);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(next, File.GetUnixFileMode(path));
            }
            File.Move(next, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(next);
            throw new CliError($"Cannot write {path}, so nothing was changed: {e.Message}", ExitCodes.Failure,
                "Make the file writable (or copy the experiment to a writable checkout) and plan --write again.");
        }
    }
}
