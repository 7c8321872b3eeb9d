namespace Lab.Hosting;

/// <summary>Generated as <c>Projects.{Name}</c> by build/Lab.Hosting.targets for each referenced project resource.</summary>
public interface IProjectMetadata
{
    /// <summary>Full path of the .csproj.</summary>
    string ProjectPath { get; }

    /// <summary>Full path of the built assembly the AppHost runs with <c>dotnet</c>.</summary>
    string AssemblyPath { get; }
}
