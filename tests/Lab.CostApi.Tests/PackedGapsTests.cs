// The stored form of inter-token gaps: compact when that is exact, float4 otherwise, and always the same floats back.
using System.Buffers.Binary;
using Lab.CostApi.Records;

namespace Lab.CostApi.Tests;

public sealed class PackedGapsTests
{
    private static byte[] Pack(float[] gaps)
    {
        var buffer = new byte[PackedGaps.MaxSize(gaps.Length)];
        return buffer[..PackedGaps.Pack(gaps, buffer)];
    }

    private static void AssertRoundTrip(float[] gaps, byte[] packed)
    {
        var back = PackedGaps.Unpack(packed);
        Assert.Equal(gaps.Length, back.Length);
        for (var i = 0; i < gaps.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(gaps[i]) == BitConverter.SingleToInt32Bits(back[i]),
                $"gap {i}: stored {gaps[i]:R}, read back {back[i]:R}");
        }
    }

    [Fact]
    public void Whole_microsecond_gaps_of_a_steady_decode_take_one_or_two_bytes_each()
    {
        // 127 gaps around a 25 ms decode step with sub-millisecond jitter and one 180 ms stall (a prefill cut in).
        var random = new Random(42);
        var gaps = Enumerable.Range(0, 127).Select(i => (float)Math.Round(i == 60 ? 180.25 : 25 + random.NextDouble() * 0.8, 3)).ToArray();

        var packed = Pack(gaps);

        Assert.Equal(PackedGaps.CompactTag, packed[0]);
        Assert.InRange(packed.Length, 127 + 1, 2 * 127 + 1 + 6); // float4 would be 508
        AssertRoundTrip(gaps, packed);
    }

    [Fact]
    public void Gaps_rounded_as_the_load_workers_round_them_always_take_the_compact_form()
    {
        // Lab.LoadWorker's StreamTimings: (float)Math.Round(chunk gap in ms, 3).
        var random = new Random(7);
        for (var request = 0; request < 2_000; request++)
        {
            // Up to half a second between tokens: every change fits three varint bytes, so compact is always shorter.
            var scale = request % 3 switch { 0 => 1.0, 1 => 50.0, _ => 500.0 };
            var gaps = Enumerable.Range(0, 16).Select(_ => (float)Math.Round(random.NextDouble() * scale, 3)).ToArray();
            var packed = Pack(gaps);
            Assert.Equal(PackedGaps.CompactTag, packed[0]);
            AssertRoundTrip(gaps, packed);
        }
    }

    [Theory]
    [InlineData(new[] { 0f })]
    [InlineData(new[] { 0.001f, 0.002f, 0.001f })]
    [InlineData(new[] { 8.01f, 19.99f, 8f, 12.345f })]
    [InlineData(new[] { 60000f, 0f, 2147483.6f })]
    [InlineData(new[] { 13.47f, 13.470001f })] // the next float above 13.47 is no whole microsecond: float4 for the record
    public void Gaps_read_back_bit_for_bit(float[] gaps) => AssertRoundTrip(gaps, Pack(gaps));

    [Theory]
    [InlineData(new[] { 12.5f, 0.0001f })]                // below a microsecond
    [InlineData(new[] { 1e-7f })]
    [InlineData(new[] { float.Epsilon })]
    [InlineData(new[] { 1.5f, 3.4028235e38f })]           // beyond 2^31 microseconds
    [InlineData(new[] { 2147483.75f })]
    [InlineData(new[] { 12.3456f })]                      // the nearest float to 12.3456 is not the nearest to 12.346
    public void Gaps_that_are_not_whole_microseconds_keep_the_float4_form(float[] gaps)
    {
        var packed = Pack(gaps);

        Assert.Equal(gaps.Length * 4, packed.Length);
        Assert.Equal(gaps[0], BinaryPrimitives.ReadSingleBigEndian(packed));
        AssertRoundTrip(gaps, packed);
    }

    [Fact]
    public void Negative_zero_keeps_its_sign()
    {
        float[] gaps = [1f, -0f];
        var packed = Pack(gaps);

        Assert.Equal(8, packed.Length);
        Assert.True(float.IsNegative(PackedGaps.Unpack(packed)[1]));
    }

    [Fact]
    public void The_compact_form_is_never_longer_than_float4()
    {
        // Each change of ±~20 minutes needs a 5-byte varint: compact would be longer, so float4 is written.
        float[] gaps = [1_200_000f, 0f, 1_200_000f, 0f];
        var packed = Pack(gaps);

        Assert.Equal(16, packed.Length);
        Assert.NotEqual(PackedGaps.CompactTag, packed[0]);
        AssertRoundTrip(gaps, packed);
    }

    [Fact]
    public void No_gaps_store_as_an_empty_value()
    {
        Assert.Empty(Pack([]));
        Assert.Empty(PackedGaps.Unpack([]));
    }

    [Fact]
    public void Damaged_values_are_reported_not_misread()
    {
        Assert.Throws<InvalidDataException>(() => PackedGaps.Unpack([0x41, 0x20, 0x00]));               // float4, 3 bytes
        Assert.Throws<InvalidDataException>(() => PackedGaps.Unpack([PackedGaps.CompactTag, 0x80]));     // cut inside a varint
        Assert.Throws<InvalidDataException>(() => PackedGaps.Unpack([PackedGaps.CompactTag, .. Enumerable.Repeat((byte)0xFF, 10), 0x01]));
    }
}
