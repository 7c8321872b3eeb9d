// Realistic request records (512 prompt / 128 output tokens, 127 inter-token gaps) and their PostgreSQL text-COPY form.
using System.Globalization;
using System.Text;
using Lab.Contracts.Costs;

namespace Lab.CostApi.Bench;

public static class BenchRecords
{
    public static readonly DateTimeOffset T0 = new(2026, 5, 15, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Nine in ten succeed with ~1-3 s e2e; the rest time out after 60 s. Deterministic from the index.</summary>
    public static RequestRecord Make(int index, double ratePerSecond = 50)
    {
        var random = new Random(index);
        var planned = T0.AddMilliseconds(Math.Round(index * 1000 / ratePerSecond, 3));
        var sent = planned.AddMilliseconds(random.Next(0, 5));
        if (index % 10 == 9)
        {
            return new RequestRecord(index, $"worker-{index % 4}", planned, sent, null, null, sent.AddSeconds(60),
                RequestOutcome.Dropped, DropReason.Timeout, null, 512, 0, null, null, null, null, $"{index:x32}", Error: "timed out after 60 s");
        }
        var ttft = 40 + random.NextDouble() * 200;
        var gaps = new float[127];
        for (var i = 0; i < gaps.Length; i++)
        {
            gaps[i] = (float)Math.Round(8 + random.NextDouble() * 12, 2);
        }
        var e2e = Math.Round(ttft + gaps.Sum(g => (double)g), 3);
        ttft = Math.Round(ttft, 3);
        return new RequestRecord(index, $"worker-{index % 4}", planned, sent, sent.AddMilliseconds(ttft), sent.AddMilliseconds(e2e), null,
            RequestOutcome.Success, null, 200, 512, 128, ttft, (e2e - ttft) / 127, e2e, gaps, $"{index:x32}",
            QueueMs: Math.Round(random.NextDouble() * 5, 3), PrefillMs: Math.Round(ttft - 5, 3), DecodeMs: Math.Round(e2e - ttft, 3));
    }

    public const string CopyColumns =
        "run_id, request_index, worker, planned_send, sent, first_token, last_token, given_up_at, outcome, reason, http_status, " +
        "prompt_tokens, output_tokens, ttft_ms, tpot_ms, e2e_ms, itl_ms, trace_id, queue_ms, prefill_ms, decode_ms, error";

    /// <summary>The gaps as stored in request_records.itl_ms (migrations 0003 and 0004).</summary>
    private static byte[] Packed(float[] gaps)
    {
        var bytes = new byte[Lab.CostApi.Records.PackedGaps.MaxSize(gaps.Length)];
        return bytes[..Lab.CostApi.Records.PackedGaps.Pack(gaps, bytes)];
    }

    /// <summary>One row in COPY text format (tab-separated, \N for null) for the psql reference.</summary>
    public static void AppendCopyRow(StringBuilder line, Guid runId, RequestRecord r)
    {
        string T(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff+00", CultureInfo.InvariantCulture) ?? "\\N";
        string D(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? "\\N";
        line.Append(runId).Append('\t').Append(r.Index).Append('\t').Append(r.Worker).Append('\t')
            .Append(T(r.PlannedSend)).Append('\t').Append(T(r.Sent)).Append('\t').Append(T(r.FirstToken)).Append('\t')
            .Append(T(r.LastToken)).Append('\t').Append(T(r.GivenUpAt)).Append('\t')
            .Append(r.Outcome == RequestOutcome.Success ? "success" : "dropped").Append('\t')
            .Append(r.Reason is null ? "\\N" : "timeout").Append('\t')
            .Append(r.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? "\\N").Append('\t')
            .Append(r.PromptTokens).Append('\t').Append(r.OutputTokens).Append('\t')
            .Append(D(r.TtftMs)).Append('\t').Append(D(r.TpotMs)).Append('\t').Append(D(r.E2eMs)).Append('\t')
            .Append(r.ItlMs is null ? "\\N" : "\\\\x" + Convert.ToHexString(Packed(r.ItlMs))).Append('\t')
            .Append(r.TraceId ?? "\\N").Append('\t').Append(D(r.QueueMs)).Append('\t').Append(D(r.PrefillMs)).Append('\t')
            .Append(D(r.DecodeMs)).Append('\t').Append(r.Error ?? "\\N").Append('\n');
    }
}
