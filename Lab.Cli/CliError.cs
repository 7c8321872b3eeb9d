// Errors the user can act on: printed as one message with what to do next, never as a stack trace.
namespace Lab.Cli;

public sealed class CliError(string message, int exitCode = ExitCodes.Failure, string? hint = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
    public string? Hint { get; } = hint;

    public static CliError Usage(string message, string? hint = null) => new(message, ExitCodes.Usage, hint);

    public static CliError UnknownName(string kind, string name, IEnumerable<string> valid) =>
        Usage($"Unknown {kind} '{name}'. Valid {kind}s: {string.Join(", ", valid)}.");

    /// <summary>Where is a URL that did not answer, or a sentence saying why no address was found.</summary>
    public static CliError LabNotRunning(string where) => new(
        where.Contains("://", StringComparison.Ordinal) ? $"The lab is not running (nothing answered at {where})." : $"The lab is not running ({where}).",
        ExitCodes.Failure,
        "Start it with ./scripts/lab (in another terminal) or ./scripts/experiment demo (starts it in the background), " +
        "or point at a running lab with --api <orchestrator url> --cost-api <cost api url>.");
}

public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    /// <summary>The conventional exit code of a process stopped by Ctrl+C (128 + SIGINT).</summary>
    public const int Cancelled = 130;
}
