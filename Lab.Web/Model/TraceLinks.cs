// Links requests and runs to their traces when Lab:TraceLinkTemplate / Lab:RunTraceLinkTemplate are configured (the
// AppHost points them at its dashboard; set them for Jaeger, Tempo or the Aspire dashboard instead).
namespace Lab.Web.Model;

public sealed class LabWebOptions
{
    /// <summary>A URL with a {traceId} placeholder; null shows trace ids as text.</summary>
    public string? TraceLinkTemplate { get; set; }

    /// <summary>A URL with a {runId} placeholder listing a run's traces (e.g. the dashboard's /traces?attr=lab.run.id={runId}); null shows no link.</summary>
    public string? RunTraceLinkTemplate { get; set; }

    /// <summary>The lab API key CostApi accepts for writes; editing in the UI asks the person for it too.</summary>
    public string? ApiKey { get; set; }

    public string? TraceLink(string? traceId) =>
        string.IsNullOrWhiteSpace(TraceLinkTemplate) || string.IsNullOrWhiteSpace(traceId)
            ? null
            : TraceLinkTemplate.Replace("{traceId}", Uri.EscapeDataString(traceId), StringComparison.Ordinal);

    public string? RunTraceLink(Guid runId) =>
        string.IsNullOrWhiteSpace(RunTraceLinkTemplate)
            ? null
            : RunTraceLinkTemplate.Replace("{runId}", runId.ToString(), StringComparison.Ordinal);
}
