// Trace replay: send offsets recorded elsewhere, one per line, replayed as they are.
using System.Globalization;

namespace Lab.Evidence;

public static class ArrivalTrace
{
    /// <summary>Reads a trace file (see <see cref="Parse"/>) and keeps the offsets inside [0, durationSeconds).</summary>
    public static double[] Load(string path, double durationSeconds)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"arrival.traceFile '{path}' does not exist (resolved to '{Path.GetFullPath(path)}').", path);
        }
        return Parse(File.ReadLines(path), durationSeconds, path);
    }

    /// <summary>
    /// One offset in seconds per line (the first comma- or whitespace-separated field, so CSV works);
    /// blank lines and lines starting with '#' are skipped. Offsets are sorted; those outside [0, duration) dropped.
    /// </summary>
    public static double[] Parse(IEnumerable<string> lines, double durationSeconds, string source = "trace")
    {
        var offsets = new List<double>();
        var lineNumber = 0;
        foreach (var raw in lines)
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var field = line.Split([',', ' ', '\t', ';'], 2, StringSplitOptions.RemoveEmptyEntries)[0];
            if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var offset) || double.IsNaN(offset))
            {
                // A header row is allowed as the first data line; anything else unreadable is an error worth fixing.
                if (offsets.Count == 0 && lineNumber <= 1)
                {
                    continue;
                }
                throw new FormatException($"{source}:{lineNumber}: '{field}' is not an offset in seconds.");
            }
            if (offset >= 0 && offset < durationSeconds)
            {
                offsets.Add(offset);
            }
        }
        offsets.Sort();
        return [.. offsets];
    }
}
