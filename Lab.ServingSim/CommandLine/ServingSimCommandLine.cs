// The command line: `serve` flags at the root (vLLM's names) and the `simulate` subcommand; unknown flags list the valid ones.
using System.CommandLine;
using Lab.ServingSim.Engine.Scheduling;

namespace Lab.ServingSim.CommandLine;

internal static class ServingSimCommandLine
{
    public static async Task<int> RunAsync(string[] args, Func<ServerOptions, CancellationToken, Task<int>> serve)
    {
        var engine = new EngineFlags();
        var servedModelName = new Option<string?>("--served-model-name") { Description = "Model name clients send (default: --model)." };
        var eosMean = new Option<double>("--eos-mean-tokens")
        {
            Description = "Twin only: without ignore_eos/min_tokens a request stops at a seeded EOS point, geometric with this mean (0 = never).",
            DefaultValueFactory = _ => 0,
        };
        var root = new RootCommand("Lab.ServingSim: a vLLM V1 twin on a simulated GPU, served over the OpenAI API (default) or run in virtual time (simulate).");
        engine.AddTo(root);
        root.Options.Add(servedModelName);
        root.Options.Add(eosMean);
        root.Subcommands.Add(SimulateCommand.Create(engine));
        root.SetAction((result, cancellationToken) =>
        {
            var config = engine.Bind(result);
            return serve(new ServerOptions(config, result.GetValue(servedModelName) ?? result.GetValue(engine.Model)!, result.GetValue(eosMean)), cancellationToken);
        });

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine(error.Message);
            }
            var command = parsed.CommandResult.Command;
            Console.Error.WriteLine($"Valid flags for '{(command is RootCommand ? "serve" : command.Name)}': {string.Join(" ", command.Options.Where(o => o.Name.StartsWith("--", StringComparison.Ordinal)).Select(o => o.Name))}");
            return 2;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or FileNotFoundException or FormatException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }
}

/// <summary>What the HTTP server needs beyond the engine: the name clients use and the twin's EOS behaviour.</summary>
public sealed record ServerOptions(EngineConfig Engine, string ServedModelName, double EosMeanTokens = 0);
