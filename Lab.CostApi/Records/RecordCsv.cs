// One CSV layout for request records, with the lab's names (Lab.Evidence/README.md) for outcomes and reasons.
using System.Globalization;
using Lab.Contracts.Costs;
using Lab.CostApi.Summaries;
using Lab.Evidence;

namespace Lab.CostApi.Records;

public static class RecordCsv
{
    public const string Header =
        "request_index,worker,planned_send,sent,first_token,last_token,given_up_at,outcome,reason,http_status," +
        "prompt_tokens,output_tokens,ttft_ms,tpot_ms,e2e_ms,request_latency_ms,schedule_lateness_ms,trace_id,queue_ms,prefill_ms,decode_ms,error";

    public static string Row(RequestRecord r) => string.Join(',',
        r.Index.ToString(CultureInfo.InvariantCulture), Escape(r.Worker), Time(r.PlannedSend), Time(r.Sent), Time(r.FirstToken),
        Time(r.LastToken), Time(r.GivenUpAt), RecordStore.OutcomeName(r.Outcome),
        r.Reason is { } reason ? DropReasons.Name(reason) : "",
        r.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? "",
        r.PromptTokens.ToString(CultureInfo.InvariantCulture), r.OutputTokens.ToString(CultureInfo.InvariantCulture),
        Number(r.TtftMs), Number(r.TpotMs), Number(r.E2eMs), Number(RequestTiming.LatencyMs(r)),
        Number(r.Sent is { } sent ? (sent - r.PlannedSend).TotalMilliseconds : null),
        Escape(r.TraceId), Number(r.QueueMs), Number(r.PrefillMs), Number(r.DecodeMs), Escape(r.Error));

    private static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture) ?? "";

    private static string Number(double? v) => v?.ToString("0.###", CultureInfo.InvariantCulture) ?? "";

    public static string Escape(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
