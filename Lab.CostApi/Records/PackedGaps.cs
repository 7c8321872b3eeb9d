// Inter-token gaps as stored in request_records.itl_ms: float4 values in network byte order, 4 bytes each.
using System.Buffers.Binary;

namespace Lab.CostApi.Records;

public static class PackedGaps
{
    public static int Size(float[] gaps) => gaps.Length * sizeof(float);

    /// <summary>Writes the gaps into <paramref name="destination"/> (at least <see cref="Size"/> bytes long).</summary>
    public static void Pack(float[] gaps, Span<byte> destination)
    {
        for (var i = 0; i < gaps.Length; i++)
        {
            BinaryPrimitives.WriteSingleBigEndian(destination[(i * sizeof(float))..], gaps[i]);
        }
    }

    public static float[] Unpack(ReadOnlySpan<byte> packed)
    {
        if (packed.Length % sizeof(float) != 0)
        {
            throw new InvalidDataException($"Packed inter-token gaps must be a multiple of 4 bytes long; found {packed.Length}.");
        }
        var gaps = new float[packed.Length / sizeof(float)];
        for (var i = 0; i < gaps.Length; i++)
        {
            gaps[i] = BinaryPrimitives.ReadSingleBigEndian(packed[(i * sizeof(float))..]);
        }
        return gaps;
    }
}
