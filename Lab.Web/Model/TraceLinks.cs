// Links a trace id to the dashboard when Lab:TraceLinkTemplate is configured (e.g. http://127.0.0.1:18889/traces/{traceId}).
namespace Lab.Web.Model;

public sealed class LabWebOptions
{
    /// <summary>A URL with a {traceId} placeholder; null shows trace ids as text.</summary>
    public string? TraceLinkTemplate { get; set; }

    /// <summary>The lab API key CostApi accepts for writes; editing in the UI asks the person for it too.</summary>
    public string? ApiKey { get; set; }

    public string? TraceLink(string? traceId) =>
        string.IsNullOrWhiteSpace(TraceLinkTemplate) || string.IsNullOrWhiteSpace(traceId)
            ? null
            : TraceLinkTemplate.Replace("{traceId}", Uri.EscapeDataString(traceId), StringComparison.Ordinal);
}
