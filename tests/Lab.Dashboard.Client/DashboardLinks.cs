// Browser URLs of the Aspire dashboard's pages, as its own UI builds them (checked against 13.6.5).
namespace Lab.Dashboard.Client;

public static class DashboardLinks
{
    /// <summary><c>/traces/detail/{traceId}</c>: one trace's waterfall (<c>/traces/{traceId}</c> is the dashboard's 404 page).</summary>
    public static string TraceDetail(string traceId) => "/traces/detail/" + Uri.EscapeDataString(traceId);

    /// <summary>
    /// <c>/traces?filters={key}:equals:{value}</c>: the trace list narrowed to traces with a span whose attribute equals the
    /// value, e.g. every trace of one run by <c>lab.run.id</c>. The dashboard ignores query parameters it does not know
    /// (<c>?attr=</c> shows every trace).
    /// </summary>
    public static string TracesWithAttribute(string key, string value) =>
        "/traces?filters=" + Uri.EscapeDataString(key) + ":equals:" + Uri.EscapeDataString(value);

    /// <summary><c>/structuredlogs/resource/{resource}</c>: one resource's structured logs.</summary>
    public static string StructuredLogs(string resource) => "/structuredlogs/resource/" + Uri.EscapeDataString(resource);
}
