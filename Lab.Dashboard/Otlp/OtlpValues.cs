// Flattens OTLP AnyValue/KeyValue and ids into the strings the store and the UI use.
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Lab.Dashboard.Otlp.Proto.Common;

namespace Lab.Dashboard.Storage;

public static class OtlpValues
{
    public static KeyValuePair<string, string>[] ToPairs(RepeatedField<KeyValue> attributes)
    {
        if (attributes.Count == 0)
        {
            return [];
        }
        var pairs = new KeyValuePair<string, string>[attributes.Count];
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = new(attributes[i].Key, ToText(attributes[i].Value));
        }
        return pairs;
    }

    public static string ToText(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(", ", value.ArrayValue.Values.Select(ToText)) + "]",
        AnyValue.ValueOneofCase.KvlistValue => "{" + string.Join(", ", value.KvlistValue.Values.Select(kv => kv.Key + ": " + ToText(kv.Value))) + "}",
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
        _ => "",
    };

    /// <summary>Lowercase hex as in W3C trace context; empty for an absent id.</summary>
    public static string ToHex(ByteString id) => id.Length == 0 ? "" : Convert.ToHexStringLower(id.Span);

    /// <summary>An id is valid when it has the spec's length and is not all zeroes.</summary>
    public static bool IsValidId(ByteString id, int length)
    {
        if (id.Length != length)
        {
            return false;
        }
        foreach (var b in id.Span)
        {
            if (b != 0)
            {
                return true;
            }
        }
        return false;
    }
}
