// Inter-token gaps as stored in request_records.itl_ms, in one of two lossless forms (migration 0004):
//
//   compact  0xFF, then per gap the change in whole microseconds from the previous gap (the first from 0), zigzag-mapped
//            and written as an unsigned LEB128 varint. Decode steps change little from token to token, so most gaps
//            take one or two bytes instead of four. Used only when every gap is exactly the float nearest to a whole
//            number of microseconds (what the load workers send), so decoding gives back the identical float.
//   float4   the gaps as float4 in network byte order, 4 bytes each, for anything else (and every row written before
//            migration 0004). Its first byte is never 0xFF: that would be a negative NaN, which ingest rejects.
//
// lab_itl_ms(bytea) in SQL reads both forms.
using System.Buffers.Binary;

namespace Lab.CostApi.Records;

public static class PackedGaps
{
    public const byte CompactTag = 0xFF;

    // 2^31 µs is 35 minutes, far beyond any request's timeout; larger gaps take the float4 form.
    private const double MaxCompactMicroseconds = int.MaxValue;

    /// <summary>The most bytes <see cref="Pack"/> may write for <paramref name="count"/> gaps: the float4 form's size.</summary>
    public static int MaxSize(int count) => count * sizeof(float);

    /// <summary>
    /// Writes the gaps into <paramref name="destination"/> (at least <see cref="MaxSize"/> bytes long) in the
    /// compact form when it is exact, otherwise as float4, and returns the number of bytes written.
    /// </summary>
    public static int Pack(ReadOnlySpan<float> gaps, Span<byte> destination)
    {
        var compact = gaps.Length > 0 ? PackCompact(gaps, destination) : 0;
        if (compact > 0)
        {
            return compact;
        }
        for (var i = 0; i < gaps.Length; i++)
        {
            BinaryPrimitives.WriteSingleBigEndian(destination[(i * sizeof(float))..], gaps[i]);
        }
        return gaps.Length * sizeof(float);
    }

    public static float[] Unpack(ReadOnlySpan<byte> packed)
    {
        if (packed.Length > 0 && packed[0] == CompactTag)
        {
            return UnpackCompact(packed[1..]);
        }
        if (packed.Length % sizeof(float) != 0)
        {
            throw new InvalidDataException($"Packed inter-token gaps in float4 form must be a multiple of 4 bytes long; found {packed.Length}.");
        }
        var gaps = new float[packed.Length / sizeof(float)];
        for (var i = 0; i < gaps.Length; i++)
        {
            gaps[i] = BinaryPrimitives.ReadSingleBigEndian(packed[(i * sizeof(float))..]);
        }
        return gaps;
    }

    /// <summary>The compact form's length, or 0 when the gaps cannot take it exactly or it would not be shorter.</summary>
    private static int PackCompact(ReadOnlySpan<float> gaps, Span<byte> destination)
    {
        var limit = gaps.Length * sizeof(float);
        var at = 0;
        destination[at++] = CompactTag;
        long previous = 0;
        foreach (var gap in gaps)
        {
            var scaled = (double)gap * 1000;
            if (!(scaled >= 0 && scaled <= MaxCompactMicroseconds))
            {
                return 0;
            }
            var microseconds = (long)Math.Round(scaled);
            // Bit-exact round trip, which also keeps -0.0 (it would decode as +0.0) in the float4 form.
            if (BitConverter.SingleToInt32Bits(ToMilliseconds(microseconds)) != BitConverter.SingleToInt32Bits(gap))
            {
                return 0;
            }
            var delta = microseconds - previous;
            previous = microseconds;
            var zigzag = (ulong)((delta << 1) ^ (delta >> 63));
            do
            {
                if (at >= limit)
                {
                    return 0;
                }
                var low = (byte)(zigzag & 0x7F);
                zigzag >>= 7;
                destination[at++] = zigzag == 0 ? low : (byte)(low | 0x80);
            }
            while (zigzag != 0);
        }
        return at;
    }

    private static float[] UnpackCompact(ReadOnlySpan<byte> bytes)
    {
        var count = 0;
        foreach (var b in bytes)
        {
            if (b < 0x80) count++;
        }
        if (bytes.Length > 0 && bytes[^1] >= 0x80)
        {
            throw new InvalidDataException("Packed inter-token gaps in compact form end inside a varint.");
        }
        var gaps = new float[count];
        long microseconds = 0;
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            ulong zigzag = 0;
            var shift = 0;
            byte b;
            do
            {
                if (shift > 63)
                {
                    throw new InvalidDataException("Packed inter-token gaps in compact form hold a varint longer than 64 bits.");
                }
                b = bytes[at++];
                zigzag |= (ulong)(b & 0x7F) << shift;
                shift += 7;
            }
            while (b >= 0x80);
            microseconds += (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
            gaps[i] = ToMilliseconds(microseconds);
        }
        return gaps;
    }

    private static float ToMilliseconds(long microseconds) => (float)(microseconds / 1000.0);
}
