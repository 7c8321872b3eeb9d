// What one command invocation works with: its consoles, its options, the lab connection and JSON output.
using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Lab.Cli.Connection;
using Lab.Contracts;
using Spectre.Console;

namespace Lab.Cli;

public sealed class CliContext(IAnsiConsole console, CliServices services, ParseResult parse, GlobalOptions globals) : IDisposable
{
    /// <summary>The lab's wire types as --json prints them: the shared contract's names, indented for people too.</summary>
    private static readonly LabJsonContext IndentedLabJson = new(new JsonSerializerOptions(LabJsonContext.Default.Options) { WriteIndented = true });

    public IAnsiConsole Out { get; } = console;

    /// <summary>Errors, prompts and progress: stderr when run as a process, so stdout stays clean for --json.</summary>
    public IAnsiConsole Error { get; } = services.ErrorConsole ?? console;

    public CliServices Services { get; } = services;

    public ParseResult Parse { get; } = parse;

    public bool Json => Parse.GetValue(globals.Json);

    public LabConnection? Connection { get; private set; }

    public LabOverrides Overrides => new(
        UrlOption(globals.Api),
        UrlOption(globals.CostApi),
        UrlOption(globals.Control),
        Parse.GetValue(globals.ApiKey));

    public async Task<LabConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        Connection ??= await LabConnection.ConnectAsync(Overrides, Services, cancellationToken);
        return Connection;
    }

    /// <summary>Forgets the connection so the next ConnectAsync reads the state folder again (demo, after starting the lab).</summary>
    public void Reconnect()
    {
        Connection?.Dispose();
        Connection = null;
    }

    public void WriteJson<T>(T value, JsonTypeInfo<T> typeInfo) =>
        Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(value, typeInfo));

    /// <summary>Writes a lab contract type with the contract's own JSON names (as the lab's APIs return it).</summary>
    public void WriteLabJson<T>(T value) =>
        Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(value, (JsonTypeInfo<T>)IndentedLabJson.GetTypeInfo(typeof(T))!));

    public static string SerializeLabJson<T>(T value) =>
        JsonSerializer.Serialize(value, (JsonTypeInfo<T>)IndentedLabJson.GetTypeInfo(typeof(T))!);

    private Uri? UrlOption(Option<string?> option)
    {
        var text = Parse.GetValue(option);
        if (text is null)
        {
            return null;
        }
        return Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw CliError.Usage($"{option.Name} expects an http(s) URL such as http://127.0.0.1:5100, not '{text}'.");
    }

    public void Dispose() => Connection?.Dispose();
}
