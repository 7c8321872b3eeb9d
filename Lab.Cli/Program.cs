// `experiment`: the lab's command line (scripts/experiment). Errors and progress go to stderr; --json output to stdout.
using Lab.Cli;
using Lab.Cli.WhatIf;
using Spectre.Console;

var services = new CliServices
{
    ErrorConsole = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }),
    WhatIfEngine = new TwinWhatIfEngine(),
    LocalExperiments = new ExperimentFiles(),
};
return await Cli.RunAsync(args, AnsiConsole.Console, services);
