// Parses `--set name=value` into vLLM server-argument overrides the twin understands.
namespace Lab.Cli.WhatIf;

public static class ServerArgOverrides
{
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> sets, IReadOnlyCollection<string> allowed)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var set in sets)
        {
            var equals = set.IndexOf('=');
            var name = equals > 0 ? set[..equals].Trim().TrimStart('-') : "";
            var value = equals > 0 ? set[(equals + 1)..].Trim() : "";
            if (name.Length == 0 || value.Length == 0)
            {
                throw CliError.Usage(
                    $"--set expects name=value (e.g. --set max-num-seqs=64), not '{set}'.",
                    $"Names the twin understands: {string.Join(", ", allowed.Order())}.");
            }
            // vLLM spells flags with dashes; accept the underscore spelling of its Python config too.
            name = name.Replace('_', '-');
            if (!allowed.Contains(name))
            {
                throw CliError.Usage(
                    $"--set {name}: the twin does not understand this server argument.",
                    $"Names the twin understands: {string.Join(", ", allowed.Order())}.");
            }
            result[name] = value;
        }
        return result;
    }
}
