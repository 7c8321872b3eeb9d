// The lab AppHost's command line, parsed strictly: every option is known, any other --name value is a parameter, and
// anything else is an error the user sees with the list of valid options (Aspire itself ignores unknown arguments).
using System.Globalization;

namespace Lab.Hosting.Local.AppHost;

public sealed class LabAppHostOptions
{
    /// <summary>What <c>--publisher</c> accepts: the lab's Helm chart, or Aspire's own manifest.</summary>
    public static IReadOnlyList<string> Publishers { get; } = ["kubernetes", "manifest"];

    /// <summary>Options every lab AppHost understands, with their help text (shown with --help and on an error).</summary>
    public static IReadOnlyList<(string Name, string Argument, string Help)> HostOptions { get; } =
    [
        ("--port", "<n>", $"control API port on 127.0.0.1 (default {LabHostSettings.DefaultControlPort}, 0 = any free port)"),
        ("--state-dir", "<dir>", "state folder (default: .lab/ at the repository root)"),
        ("--fresh", "", "wipe the state folder (databases, parameters) before starting"),
        ("--publisher", "<name>", "write deployment artifacts instead of running (" + string.Join(", ", Publishers) + ")"),
        ("--output-path", "<path>", "where the publisher writes"),
        ("--otlp-endpoint", "<url>", "OTLP endpoint handed to services instead of the dashboard's"),
        ("--no-dashboard", "", "do not start the dashboard (services still export OTLP to --otlp-endpoint if given)"),
        ("--unsecured", "", "dashboard without the login token (trusted single-user machines only)"),
        ("--bin-path", "<dir>", "look for redis-server and PostgreSQL binaries only in this folder"),
        ("--environment", "<name>", "ASPNETCORE_ENVIRONMENT of the services (default Development)"),
        ("--help", "", "show this help"),
    ];

    private static readonly HashSet<string> Flags = ["--fresh", "--help", "--no-dashboard", "--unsecured"];

    public int ControlPort { get; private set; } = LabHostSettings.DefaultControlPort;
    public string? StateDirectory { get; private set; }
    public bool Fresh { get; private set; }
    public string? Publisher { get; private set; }
    public string? OutputPath { get; private set; }
    public Uri? OtlpEndpoint { get; private set; }
    public string? BinPath { get; private set; }
    public string EnvironmentName { get; private set; } = "Development";
    public bool Help { get; private set; }
    public bool NoDashboard { get; private set; }
    public bool Unsecured { get; private set; }

    public bool IsPublishing => Publisher is not null;

    /// <summary><c>--name value</c> pairs that are not host options: parameters if the model declares one so named.</summary>
    public IReadOnlyDictionary<string, string> ParameterArguments => _parameters;

    /// <summary>Other <c>--name</c> options given without a value: a missing value if a parameter, else unknown.</summary>
    public IReadOnlyList<string> ParametersWithoutValue => _parametersWithoutValue;

    /// <summary>Problems found while parsing (bad values, missing values).</summary>
    public IReadOnlyList<string> Errors => _errors;

    private readonly Dictionary<string, string> _parameters = new(StringComparer.Ordinal);
    private readonly List<string> _parametersWithoutValue = [];
    private readonly List<string> _errors = [];

    public static LabAppHostOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LabAppHostOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var argument = args[i];
            if (!argument.StartsWith("--", StringComparison.Ordinal) || argument.Length == 2)
            {
                options._errors.Add($"Unexpected argument '{argument}'.");
                continue;
            }
            var name = argument;
            string? value = null;
            var equals = argument.IndexOf('=');
            if (equals > 0)
            {
                name = argument[..equals];
                value = argument[(equals + 1)..];
            }
            if (Flags.Contains(name))
            {
                options.ApplyFlag(name, value);
                continue;
            }
            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    // A host option is known here; whether any other name is a parameter is only known once the model is declared.
                    if (IsHostOption(name))
                    {
                        options._errors.Add($"Option '{name}' needs a value.");
                    }
                    else
                    {
                        options._parametersWithoutValue.Add(name[2..]);
                    }
                    continue;
                }
                value = args[++i];
            }
            options.ApplyValue(name, value);
        }
        if (options.Publisher is not null && options.OutputPath is null)
        {
            options._errors.Add("--publisher needs --output-path <path>: where to write.");
        }
        return options;
    }

    /// <summary>
    /// The problems of the whole command line once the model is declared: parse errors, then options that are neither
    /// host options nor one of <paramref name="parameterNames"/>.
    /// </summary>
    public IReadOnlyList<string> Validate(IEnumerable<string> parameterNames)
    {
        var known = parameterNames.ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>(_errors);
        problems.AddRange(_parameters.Keys.Where(p => !known.Contains(p)).Select(p => $"Unknown option '--{p}'."));
        problems.AddRange(_parametersWithoutValue.Select(p => known.Contains(p) ? $"Option '--{p}' needs a value." : $"Unknown option '--{p}'."));
        return problems;
    }

    /// <summary>The valid options, host options first, then the model's parameters.</summary>
    public static string Usage(IEnumerable<string> parameterNames)
    {
        var rows = HostOptions
            .Concat(parameterNames.Order(StringComparer.Ordinal)
                .Select(p => (Name: $"--{p}", Argument: "<value>", Help: $"parameter '{p}' (also Parameters:{p} in configuration)")))
            .ToList();
        var nameWidth = rows.Max(r => r.Name.Length) + 2;
        var argumentWidth = rows.Max(r => r.Argument.Length) + 2;
        var lines = rows.Select(r => $"  {r.Name.PadRight(nameWidth)}{r.Argument.PadRight(argumentWidth)}{r.Help}");
        return "Valid options:" + Environment.NewLine + string.Join(Environment.NewLine, lines);
    }

    private static bool IsHostOption(string name) => HostOptions.Any(o => o.Name == name);

    private void ApplyFlag(string name, string? value)
    {
        if (value is not null)
        {
            _errors.Add($"Option '{name}' takes no value (given '{value}').");
            return;
        }
        switch (name)
        {
            case "--fresh": Fresh = true; break;
            case "--no-dashboard": NoDashboard = true; break;
            case "--unsecured": Unsecured = true; break;
            default: Help = true; break;
        }
    }

    private void ApplyValue(string name, string value)
    {
        switch (name)
        {
            case "--port":
                if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535)
                {
                    ControlPort = port;
                }
                else
                {
                    _errors.Add($"--port must be a port number 0-65535, not '{value}'.");
                }
                break;
            case "--publisher":
                if (Publishers.Contains(value, StringComparer.Ordinal))
                {
                    Publisher = value;
                }
                else
                {
                    _errors.Add($"Unknown publisher '{value}'; use one of: {string.Join(", ", Publishers)}.");
                }
                break;
            case "--otlp-endpoint":
                if (Uri.TryCreate(value, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https")
                {
                    OtlpEndpoint = endpoint;
                }
                else
                {
                    _errors.Add($"--otlp-endpoint must be an http(s) URL such as http://127.0.0.1:4317, not '{value}'.");
                }
                break;
            case "--state-dir": StateDirectory = Path.GetFullPath(value); break;
            case "--output-path": OutputPath = Path.GetFullPath(value); break;
            case "--bin-path": BinPath = Path.GetFullPath(value); break;
            case "--environment": EnvironmentName = value; break;
            default: _parameters[name[2..]] = value; break;
        }
    }
}
