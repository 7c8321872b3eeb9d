// Ingest validation, tested directly: every bad field is named by its record index.
using Lab.Contracts.Costs;
using Lab.CostApi.Records;
using static Lab.CostApi.Tests.TestRuns;

namespace Lab.CostApi.Tests;

public sealed class RecordValidationTests
{
    [Fact]
    public void Validation_names_each_bad_field_by_record_index()
    {
        var batch = new RecordBatch([
            Success(0, 0, 100),
            Success(1, 0, 100) with { Worker = "" },
            Success(2, 0, 100) with { Reason = DropReason.Timeout },
            Dropped(3, 0, 10) with { GivenUpAt = null },
            Success(4, 0, 100) with { TtftMs = double.NaN },
            Success(0, 0, 100),
        ]);
        var errors = RecordValidator.Validate(batch, scheduled: 10);
        Assert.Equal(["records[1].worker", "records[2].reason", "records[3].givenUpAt", "records[4].ttftMs", "records[5].index"], errors.Keys.Order());
        Assert.Contains("first at records[0]", errors["records[5].index"][0]);
        Assert.Contains("1 to 10000", RecordValidator.Validate(new RecordBatch([]), 10)["records"][0]);
    }
}
