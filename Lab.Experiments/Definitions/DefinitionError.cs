// Validation failures that name the file, the field path (cases[1].arrival.kind) and what is allowed.
namespace Lab.Experiments.Definitions;

public sealed record DefinitionError(string File, string Field, string Message)
{
    public override string ToString() => $"{File}: {Field}: {Message}";
}

public sealed class ExperimentDefinitionException(IReadOnlyList<DefinitionError> errors)
    : Exception("Invalid experiment definition:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<DefinitionError> Errors { get; } = errors;
}
