// Source-generated JSON for the CLI's own output shapes (the lab's wire types use LabJsonContext).
using System.Text.Json;
using System.Text.Json.Serialization;
using Lab.Cli.Commands;
using Lab.Cli.Connection;
using Lab.Cli.WhatIf;

namespace Lab.Cli;

[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    WriteIndented = true,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatusReport))]
[JsonSerializable(typeof(WhatIfReport))]
[JsonSerializable(typeof(PlanReport))]
[JsonSerializable(typeof(VerifyReport))]
[JsonSerializable(typeof(DemoReport))]
[JsonSerializable(typeof(ExportResult))]
[JsonSerializable(typeof(CliErrorOutput))]
public sealed partial class CliJsonContext : JsonSerializerContext;

/// <summary>What --json prints on stderr for an error, so scripts can tell usage errors from failures.</summary>
public sealed record CliErrorOutput(string Error, string? Hint, int ExitCode);
