// whatif without the lab: the experiment definitions from experiments/*.yaml through Lab.Experiments' loader.
using Lab.Contracts.Experiments;
using Lab.Experiments.Definitions;

namespace Lab.Cli.WhatIf;

public sealed class ExperimentFiles : ILocalExperiments
{
    public IReadOnlyList<ExperimentDefinition> LoadExperiments(string repositoryRoot)
    {
        var directory = Path.Combine(repositoryRoot, "experiments");
        if (!Directory.Exists(directory))
        {
            throw new CliError($"The lab is not running and there is no {directory} to read definitions from.", ExitCodes.Failure,
                "Start the lab with ./scripts/lab, or run this inside the repository.");
        }
        try
        {
            return ExperimentLoader.LoadDirectory(directory);
        }
        catch (ExperimentDefinitionException e)
        {
            throw new CliError(e.Message);
        }
    }
}
