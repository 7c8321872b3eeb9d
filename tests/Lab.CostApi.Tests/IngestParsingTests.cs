// The ingest path's own JSON reading (record reader, gap fast path) must read exactly what the contract's generated
// metadata reads; these tests parse the same documents both ways.
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lab.Contracts;
using Lab.Contracts.Costs;
using Lab.CostApi.Records;

namespace Lab.CostApi.Tests;

public sealed class IngestParsingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 15, 12, 0, 0, TimeSpan.Zero);

    private static RecordBatch ViaContract(string json) => JsonSerializer.Deserialize(json, LabJsonContext.Default.RecordBatch)!;
    private static RecordBatch ViaIngest(string json) => JsonSerializer.Deserialize<RecordBatch>(Encoding.UTF8.GetBytes(json), RequestRecordReader.IngestOptions)!;
    private static string Json(RecordBatch batch) => JsonSerializer.Serialize(batch, LabJsonContext.Default.RecordBatch);

    public static IEnumerable<RequestRecord> Varied()
    {
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var planned = T0.AddTicks(random.NextInt64(0, 600_000_000_0));
            var reason = (DropReason)(i % 6);
            yield return i % 3 == 0
                ? new RequestRecord(i, $"wörker-{i % 5}", planned, i % 2 == 0 ? planned : null, null, null, planned.AddSeconds(60),
                    RequestOutcome.Dropped, reason, i % 4 == 0 ? 503 : null, 512, i % 7, null, null, null, i % 5 == 0 ? [] : null, null,
                    Error: i % 2 == 0 ? "upstream said \"no\"\n\t✗" : null)
                : new RequestRecord(i, "worker-1", planned, planned.AddMilliseconds(0.5), planned.AddMilliseconds(90.125),
                    planned.AddMilliseconds(1500), null, RequestOutcome.Success, null, 200, 512, 128, random.NextDouble() * 300,
                    random.NextDouble() * 20, 1500 + random.NextDouble(),
                    Enumerable.Range(0, 127).Select(_ => i % 2 == 0 ? (float)Math.Round(random.NextDouble() * 30, 3) : (float)(random.NextDouble() * 30)).ToArray(),
                    $"{i:x32}", random.NextDouble(), random.NextDouble() * 100, random.NextDouble() * 1000);
        }
    }

    [Fact]
    public void The_ingest_reader_reads_what_the_contract_writes_field_for_field()
    {
        var json = Json(new RecordBatch(Varied().ToList()));
        Assert.Equal(Json(ViaContract(json)), Json(ViaIngest(json)));
        Assert.Equal(json, Json(ViaIngest(json)));
    }

    [Theory]
    // Names in any case, unknown members skipped (nested too), enums by name in any case or by number, members missing.
    [InlineData("""{"records":[{"Index":3,"WORKER":"w","plannedSend":"2026-05-15T12:00:00.123456+02:00","outcome":"dropped","reason":"httpError","extra":{"a":[1,{"b":2}]},"promptTokens":512,"outputTokens":0}]}""")]
    [InlineData("""{"records":[{"index":4,"worker":"w","plannedSend":"2026-05-15T12:00:00Z","outcome":1,"reason":2,"promptTokens":1,"outputTokens":0,"itlMs":[1e2,0.1,-0.0,3.4028235E+38,16777217,123456789.5]}]}""")]
    [InlineData("""{"records":[{"index":5,"worker":"w","plannedSend":"2026-05-15T12:00:00Z","outcome":"Success","promptTokens":1,"outputTokens":2,"itlMs":[],"index":6,"sent":null,"httpStatus":null}]}""")]
    [InlineData("""{"records":[{"outcome":"Succ\u0065ss","worker":"a","index":1},{"index":2,"worker":"b","outcome":"Dropped","reason":"Timeout"},{"worker":"a","reason":"workerLost","outcome":"dropped","index":3},{"worker":"\u0061","index":4}]}""")]
    [InlineData("""{"records":[{}]}""")]
    [InlineData("""{"records":[{"index":"3","httpStatus":"503","ttftMs":"12.5","itlMs":["1.25",2,"1e1"],"promptTokens":"-1"}]}""")]
    [InlineData("""{"records":[]}""")]
    public void Edge_documents_read_the_same_both_ways(string json) =>
        Assert.Equal(Json(ViaContract(json)), Json(ViaIngest(json)));

    [Theory]
    [InlineData("""{"records":[{"index":" 3"}]}""")]
    [InlineData("""{"records":[{"index":null}]}""")]
    [InlineData("""{"records":[{"reason":"http_error"}]}""")]
    [InlineData("""{"records":[{"itlMs":[1,true]}]}""")]
    [InlineData("""{"records":[{"outcome":"Bogus"}]}""")]
    [InlineData("""{"records":[{"plannedSend":"yesterday"}]}""")]
    [InlineData("""{"records":[{"itlMs":{"a":1}}]}""")]
    [InlineData("""{"records":[{"ttftMs":"12 ms"}]}""")]
    [InlineData("""{"records":[{"index":1.5}]}""")]
    [InlineData("""{"records":[[1]]}""")]
    public void Malformed_documents_are_rejected_both_ways(string json)
    {
        Assert.ThrowsAny<JsonException>(() => ViaContract(json));
        Assert.ThrowsAny<JsonException>(() => ViaIngest(json));
    }

    [Fact]
    public void The_gap_fast_path_gives_the_correctly_rounded_float_or_declines()
    {
        var random = new Random(11);
        var accepted = 0;
        for (var i = 0; i < 200_000; i++)
        {
            var text = (i % 4) switch
            {
                0 => Math.Round(random.NextDouble() * 100, 3).ToString(CultureInfo.InvariantCulture),
                1 => Math.Round(random.NextDouble() * 60_000, random.Next(0, 7)).ToString(CultureInfo.InvariantCulture),
                2 => ((float)(random.NextDouble() * 50)).ToString(CultureInfo.InvariantCulture),
                _ => random.NextInt64(0, 999_999_999).ToString(CultureInfo.InvariantCulture) is var digits && digits.Length > 1 ? digits.Insert(random.Next(1, digits.Length), ".") : digits,
            };
            if (GapsJsonConverter.TryParseShortDecimal(Encoding.ASCII.GetBytes(text), out var fast))
            {
                accepted++;
                Assert.Equal(float.Parse(text, CultureInfo.InvariantCulture), fast);
            }
        }
        Assert.True(accepted > 50_000, $"the fast path took only {accepted} of 200,000");
        foreach (var declined in new[] { "16777217", "-1", "1e3", "1.", "", "1234567890", "0.1234567891", "1.2.3" })
            Assert.False(GapsJsonConverter.TryParseShortDecimal(Encoding.ASCII.GetBytes(declined), out _), declined);
        Assert.True(GapsJsonConverter.TryParseShortDecimal("16777216"u8, out var max) && max == 16777216f);
        Assert.True(GapsJsonConverter.TryParseShortDecimal("12.345"u8, out var typical) && typical == 12.345f);
    }
}
