// The AppHost's own command-line options; any other --name value sets the parameter of that name.
using System.Globalization;

namespace Lab.Hosting;

public sealed class DistributedApplicationOptions
{
    public const int DefaultControlPort = 18888;

    /// <summary>Options every AppHost understands, with their help text (shown when an option is unknown).</summary>
    public static IReadOnlyDictionary<string, (string Argument, string Help)> HostOptions => new Dictionary<string, (string, string)>
    {
        ["--port"] = ("<n>", "control API port on 127.0.0.1 (default 18888, 0 = any free port)"),
        ["--state-dir"] = ("<dir>", "state folder (default: .lab/ at the repository root)"),
        ["--fresh"] = ("", "wipe the state folder (databases, parameters) before starting"),
        ["--publisher"] = ("<name>", "write deployment artifacts instead of running (" + string.Join(", ", Publishing.Publishers.Names) + ")"),
        ["--output-path"] = ("<path>", "where the publisher writes"),
        ["--otlp-endpoint"] = ("<url>", "OTLP endpoint handed to services instead of the dashboard's"),
        ["--no-dashboard"] = ("", "do not start the dashboard (services still export OTLP to --otlp-endpoint if given)"),
        ["--unsecured"] = ("", "dashboard without the login token (trusted single-user machines only)"),
        ["--bin-path"] = ("<dir>", "look for redis-server and PostgreSQL binaries only in this folder"),
        ["--environment"] = ("<name>", "ASPNETCORE_ENVIRONMENT of the services (default Development)"),
        ["--help"] = ("", "show this help"),
    };

    private static readonly HashSet<string> Flags = ["--fresh", "--help", "--no-dashboard", "--unsecured"];

    public int ControlPort { get; set; } = DefaultControlPort;
    public string? StateDirectory { get; set; }
    public bool Fresh { get; set; }
    public string? Publisher { get; set; }
    public string? OutputPath { get; set; }
    public string? OtlpEndpoint { get; set; }
    public string? BinPath { get; set; }
    public string EnvironmentName { get; set; } = "Development";
    public bool Help { get; set; }
    public bool NoDashboard { get; set; }
    public bool Unsecured { get; set; }

    /// <summary>Lab.Dashboard's assembly, found from the AppHost's <c>Projects.Lab_Dashboard</c> reference.</summary>
    public string? DashboardAssemblyPath { get; set; }

    /// <summary>The AppHost project folder; the state folder is found from it.</summary>
    public string? AppHostDirectory { get; set; }

    /// <summary>Where the start-up summary and resource logs go.</summary>
    public TextWriter Output { get; set; } = Console.Out;

    /// <summary>Colours in the console output (default: when the output is a terminal).</summary>
    public bool UseColors { get; set; } = !Console.IsOutputRedirected;

    /// <summary><c>--name value</c> pairs that are not host options: candidate parameters, checked at Build.</summary>
    public Dictionary<string, string> ParameterArguments { get; } = new(StringComparer.Ordinal);

    /// <summary>Other <c>--name</c> options given without a value: a missing value if a parameter, else unknown.</summary>
    public List<string> ParametersWithoutValue { get; } = [];

    /// <summary>Problems found while parsing (bad values, missing values); reported by Build/Run.</summary>
    public List<string> Errors { get; } = [];

    public static DistributedApplicationOptions Parse(IReadOnlyList<string> args)
    {
        var options = new DistributedApplicationOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var argument = args[i];
            if (!argument.StartsWith("--", StringComparison.Ordinal) || argument.Length == 2)
            {
                options.Errors.Add($"Unexpected argument '{argument}'.");
                continue;
            }
            string name = argument;
            string? value = null;
            var equals = argument.IndexOf('=');
            if (equals > 0)
            {
                name = argument[..equals];
                value = argument[(equals + 1)..];
            }
            if (Flags.Contains(name))
            {
                options.ApplyFlag(name);
                continue;
            }
            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    // A host option is known here; whether any other name is a parameter is only known at Build.
                    if (HostOptions.ContainsKey(name))
                    {
                        options.Errors.Add($"Option '{name}' needs a value.");
                    }
                    else
                    {
                        options.ParametersWithoutValue.Add(name[2..]);
                    }
                    continue;
                }
                value = args[++i];
            }
            options.ApplyValue(name, value);
        }
        return options;
    }

    private void ApplyFlag(string name)
    {
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
                    Errors.Add($"--port must be a port number 0-65535, not '{value}'.");
                }
                break;
            case "--state-dir": StateDirectory = Path.GetFullPath(value); break;
            case "--publisher": Publisher = value; break;
            case "--output-path": OutputPath = Path.GetFullPath(value); break;
            case "--otlp-endpoint": OtlpEndpoint = value; break;
            case "--bin-path": BinPath = Path.GetFullPath(value); break;
            case "--environment": EnvironmentName = value; break;
            default: ParameterArguments[name[2..]] = value; break;
        }
    }

    /// <summary>The valid options, for the error shown on an unknown one.</summary>
    public static string Usage(IEnumerable<string> parameterNames)
    {
        var rows = HostOptions.Select(o => (Name: o.Key, o.Value.Argument, o.Value.Help))
            .Concat(parameterNames.Order(StringComparer.Ordinal)
                .Select(p => (Name: $"--{p}", Argument: "<value>", Help: $"parameter '{p}' (also Parameters:{p} in configuration)")))
            .ToList();
        var nameWidth = rows.Max(r => r.Name.Length) + 2;
        var argumentWidth = rows.Max(r => r.Argument.Length) + 2;
        var lines = rows.Select(r => $"  {r.Name.PadRight(nameWidth)}{r.Argument.PadRight(argumentWidth)}{r.Help}");
        return "Valid options:" + Environment.NewLine + string.Join(Environment.NewLine, lines);
    }
}
