// Inter-token gaps as a JSON array of numbers, read without the generic collection converter's growing list.
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lab.Contracts.Costs;

/// <summary>
/// The wire form is the plain array the default converter writes (<c>[9.1,12.4,…]</c>); reading parses into a
/// per-thread scratch buffer and allocates the result once at its exact length. A 128-token request carries 127 gaps
/// and CostApi reads a million of them per large run, so the list growth and copy of the default path showed up in
/// the ingest profile (docs/benchmarks/cost-api.md).
/// </summary>
public sealed class GapsJsonConverter : JsonConverter<float[]>
{
    [ThreadStatic] private static float[]? _scratch;

    public override float[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"Expected an array of inter-token gaps in milliseconds, found {reader.TokenType}.");
        }
        var scratch = _scratch ??= new float[256];
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            float gap;
            if (reader.TokenType == JsonTokenType.Number)
            {
                gap = !reader.HasValueSequence && TryParseShortDecimal(reader.ValueSpan, out var fast) ? fast : reader.GetSingle();
            }
            else if (reader.TokenType == JsonTokenType.String && (options.NumberHandling & JsonNumberHandling.AllowReadingFromString) != 0
                && TryParseQuoted(NumberText(ref reader), out var quoted))
            {
                gap = quoted; // the web defaults accept numbers in strings; so does this reader
            }
            else
            {
                throw new JsonException($"Inter-token gaps must be numbers (milliseconds), found {reader.TokenType} at element {count}.");
            }
            if (count == scratch.Length)
            {
                Array.Resize(ref scratch, scratch.Length * 2);
                _scratch = scratch;
            }
            scratch[count++] = gap;
        }
        return scratch.AsSpan(0, count).ToArray();
    }

    /// <summary>The raw bytes of a string token, unescaped when needed.</summary>
    public static ReadOnlySpan<byte> NumberText(ref Utf8JsonReader reader) =>
        reader.HasValueSequence || reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;

    private static bool TryParseQuoted(ReadOnlySpan<byte> text, out float value) =>
        Utf8Parser.TryParse(text, out value, out var consumed) && consumed == text.Length;

    private static readonly float[] PowersOfTen = [1f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f];

    /// <summary>
    /// Exact fast path for the numbers workers send (gaps rounded to the microsecond, e.g. <c>12.345</c>): at most nine
    /// digits, an optional fraction, no sign or exponent, and a digit string m ≤ 2^24. Then m and 10^k are both exact
    /// in single precision and one IEEE division gives the correctly rounded value, the same float the general parser
    /// returns. Anything else is left to <see cref="Utf8JsonReader.GetSingle"/>.
    /// </summary>
    public static bool TryParseShortDecimal(ReadOnlySpan<byte> text, out float value)
    {
        value = 0;
        uint mantissa = 0;
        var digits = 0;
        var fraction = -1;
        foreach (var c in text)
        {
            var digit = (uint)(c - '0');
            if (digit <= 9)
            {
                if (++digits > 9) return false;
                mantissa = mantissa * 10 + digit;
                if (fraction >= 0) fraction++;
            }
            else if (c == '.' && fraction < 0)
            {
                fraction = 0;
            }
            else
            {
                return false;
            }
        }
        if (digits == 0 || fraction == 0 || mantissa > 1 << 24) return false;
        value = fraction < 0 ? mantissa : mantissa / PowersOfTen[fraction];
        return true;
    }

    public override void Write(Utf8JsonWriter writer, float[] value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var gap in value)
        {
            writer.WriteNumberValue(gap);
        }
        writer.WriteEndArray();
    }
}
