// A read-only JSON converter for request records on CostApi's ingest path.
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lab.Contracts;
using Lab.Contracts.Costs;

namespace Lab.CostApi.Records;

/// <summary>
/// Reads exactly what the contract's source-generated metadata reads (web defaults: camelCase names matched
/// case-insensitively, unknown properties skipped, enums as names or numbers, missing members left at their
/// defaults, last duplicate wins), but straight into locals. The generated path for a 21-parameter constructor
/// boxes every argument into an object array: half of the 1,362 bytes allocated per record at ingest and a
/// visible share of CostApi's CPU (docs/benchmarks/cost-api.md). Writing stays with the generated code; the
/// equivalence is pinned by tests that parse the same documents both ways.
/// </summary>
public sealed class RequestRecordReader : JsonConverter<RequestRecord>
{
    /// <summary>Options for parsing a record batch on ingest: the contract's own, with this reader in front.</summary>
    public static JsonSerializerOptions IngestOptions { get; } = CreateOptions();

    private static readonly GapsJsonConverter Gaps = new();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(LabJsonContext.Default.Options);
        options.Converters.Insert(0, new RequestRecordReader());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public override RequestRecord Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException($"A request record must be a JSON object, found {reader.TokenType}.");

        int index = 0, promptTokens = 0, outputTokens = 0;
        string worker = null!;
        DateTimeOffset plannedSend = default;
        DateTimeOffset? sent = null, firstToken = null, lastToken = null, givenUpAt = null;
        RequestOutcome outcome = default;
        DropReason? reason = null;
        int? httpStatus = null;
        double? ttft = null, tpot = null, e2e = null, queue = null, prefill = null, decode = null;
        float[]? itl = null;
        string? traceId = null, error = null;

        var expected = 0; // Names index of the member most likely next: Lab clients write them in declaration order
        while (true)
        {
            if (!reader.Read())
                throw new JsonException("The request record ended early.");
            if (reader.TokenType == JsonTokenType.EndObject)
                break;
            var name = Name(ref reader, ref expected);
            reader.Read();
            try
            {
                switch (name)
                {
                    case Field.Index: index = Int(ref reader, "index"); break;
                    case Field.Worker: worker = Worker(ref reader); break;
                    case Field.PlannedSend: plannedSend = Time(ref reader, "plannedSend"); break;
                    case Field.Sent: sent = NullableTime(ref reader); break;
                    case Field.FirstToken: firstToken = NullableTime(ref reader); break;
                    case Field.LastToken: lastToken = NullableTime(ref reader); break;
                    case Field.GivenUpAt: givenUpAt = NullableTime(ref reader); break;
                    case Field.Outcome: outcome = EnumValue<RequestOutcome>(ref reader, "outcome"); break;
                    case Field.Reason: reason = reader.TokenType == JsonTokenType.Null ? null : EnumValue<DropReason>(ref reader, "reason"); break;
                    case Field.HttpStatus: httpStatus = reader.TokenType == JsonTokenType.Null ? null : Int(ref reader, "httpStatus"); break;
                    case Field.PromptTokens: promptTokens = Int(ref reader, "promptTokens"); break;
                    case Field.OutputTokens: outputTokens = Int(ref reader, "outputTokens"); break;
                    case Field.TtftMs: ttft = NullableDouble(ref reader); break;
                    case Field.TpotMs: tpot = NullableDouble(ref reader); break;
                    case Field.E2eMs: e2e = NullableDouble(ref reader); break;
                    case Field.ItlMs: itl = reader.TokenType == JsonTokenType.Null ? null : Gaps.Read(ref reader, typeof(float[]), options); break;
                    case Field.TraceId: traceId = reader.GetString(); break;
                    case Field.QueueMs: queue = NullableDouble(ref reader); break;
                    case Field.PrefillMs: prefill = NullableDouble(ref reader); break;
                    case Field.DecodeMs: decode = NullableDouble(ref reader); break;
                    case Field.Error: error = reader.GetString(); break;
                    default: reader.Skip(); break;
                }
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                // One converter reads the whole record, so name the member: the serializer's path stops at the record.
                throw new JsonException($"'{FieldName(name)}': {e.Message}", e);
            }
        }
        return new RequestRecord(index, worker, plannedSend, sent, firstToken, lastToken, givenUpAt, outcome, reason, httpStatus,
            promptTokens, outputTokens, ttft, tpot, e2e, itl, traceId, queue, prefill, decode, error);
    }

    public override void Write(Utf8JsonWriter writer, RequestRecord value, JsonSerializerOptions options) =>
        throw new NotSupportedException("RequestRecordReader only reads; records are written by the contract's generated metadata.");

    private enum Field
    {
        Unknown, Index, Worker, PlannedSend, Sent, FirstToken, LastToken, GivenUpAt, Outcome, Reason, HttpStatus,
        PromptTokens, OutputTokens, TtftMs, TpotMs, E2eMs, ItlMs, TraceId, QueueMs, PrefillMs, DecodeMs, Error,
    }

    private static readonly (byte[] Utf8, string Text, Field Field)[] Names =
        System.Enum.GetValues<Field>().Where(f => f != Field.Unknown)
            .Select(f => JsonNamingPolicy.CamelCase.ConvertName(f.ToString()))
            .Select(n => (System.Text.Encoding.UTF8.GetBytes(n), n, System.Enum.Parse<Field>(n, ignoreCase: true)))
            .ToArray();

    private static string FieldName(Field field) => Names.FirstOrDefault(n => n.Field == field).Text ?? "?";

    private static Field Name(ref Utf8JsonReader reader, ref int expected)
    {
        // The member after the last one found, then every exact camelCase name (what every Lab client sends), then
        // case-insensitively as the web defaults allow. In declaration order the first comparison nearly always hits.
        if (expected < Names.Length && reader.ValueTextEquals(Names[expected].Utf8))
            return Names[expected++].Field;
        for (var i = 0; i < Names.Length; i++)
        {
            if (reader.ValueTextEquals(Names[i].Utf8))
            {
                expected = i + 1;
                return Names[i].Field;
            }
        }
        var text = reader.GetString();
        foreach (var (_, name, field) in Names)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                return field;
        }
        return Field.Unknown;
    }

    // The contract's web defaults read numbers from strings too ("12"), without whitespace or named literals.
    private static int Int(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType == JsonTokenType.Number)
            return reader.GetInt32();
        if (reader.TokenType == JsonTokenType.String)
        {
            var text = GapsJsonConverter.NumberText(ref reader);
            if (Utf8Parser.TryParse(text, out int value, out var consumed) && consumed == text.Length)
                return value;
        }
        throw new JsonException($"'{name}' must be an integer, found {reader.TokenType}.");
    }

    private static double? NullableDouble(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
            return null;
        if (reader.TokenType == JsonTokenType.String)
        {
            var text = GapsJsonConverter.NumberText(ref reader);
            if (Utf8Parser.TryParse(text, out double value, out var consumed) && consumed == text.Length)
                return value;
            throw new JsonException("A duration must be a number of milliseconds.");
        }
        return reader.GetDouble();
    }

    private static DateTimeOffset Time(ref Utf8JsonReader reader, string name) =>
        reader.TokenType == JsonTokenType.String ? reader.GetDateTimeOffset() : throw new JsonException($"'{name}' must be an ISO 8601 time, found {reader.TokenType}.");

    private static DateTimeOffset? NullableTime(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset();


    [ThreadStatic] private static byte[]? _lastWorkerUtf8;
    [ThreadStatic] private static string? _lastWorker;

    /// <summary>A batch comes from one worker: its id is read once per thread and reused while the bytes repeat.</summary>
    private static string Worker(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            if (_lastWorkerUtf8 is { } last && reader.ValueSpan.SequenceEqual(last))
                return _lastWorker!;
            var text = reader.GetString()!;
            _lastWorkerUtf8 = reader.ValueSpan.ToArray();
            _lastWorker = text;
            return text;
        }
        return reader.GetString()!;
    }

    /// <summary>Exact names as the contract writes them, to match without allocating a string per value.</summary>
    private static class EnumNames<T> where T : struct, Enum
    {
        public static readonly (byte[] Utf8, T Value)[] Exact =
            System.Enum.GetValues<T>().Select(v => (System.Text.Encoding.UTF8.GetBytes(v.ToString()), v)).ToArray();
    }

    private static T EnumValue<T>(ref Utf8JsonReader reader, string name) where T : struct, Enum
    {
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
        {
            foreach (var (utf8, known) in EnumNames<T>.Exact)
            {
                if (reader.ValueTextEquals(utf8))
                    return known;
            }
        }
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number))
            return (T)System.Enum.ToObject(typeof(T), number);
        if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } text
            && !char.IsAsciiDigit(text.Length > 0 ? text[0] : ' ') && text[0] != '-'
            && System.Enum.TryParse<T>(text, ignoreCase: true, out var value))
            return value;
        throw new JsonException($"'{name}' must be one of {string.Join(", ", System.Enum.GetNames<T>())}.");
    }
}
