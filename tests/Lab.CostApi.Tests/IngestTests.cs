// Record ingest: idempotent COPY, concurrent writers, whole-batch rejection, closed ledgers, listing and CSV.
using System.Net;
using System.Text;
using System.Text.Json;
using Lab.Contracts.Costs;
using Lab.CostApi.Records;
using Npgsql;
using Refit;
using static Lab.CostApi.Tests.TestRuns;

namespace Lab.CostApi.Tests;

public sealed class IngestTests(CostApiFixture fixture)
{
    private readonly ICostApi _api = fixture.Api;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<long> CountAsync(Guid runId)
    {
        await using var command = fixture.Database.CreateCommand("SELECT count(*) FROM request_records WHERE run_id = @id");
        command.Parameters.AddWithValue("id", runId);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    [Fact]
    public async Task The_same_batch_twice_is_stored_once()
    {
        var id = await StartAsync(_api, Register("ingest", Steady, Optimized, 1000), Ct);
        var batch = new RecordBatch(Enumerable.Range(0, 1000).Select(i => Success(i, i, 100)).ToList());

        Assert.Equal(new IngestResult(1000, 1000, 0), await _api.IngestRecordsAsync(id, batch, Ct));
        Assert.Equal(new IngestResult(1000, 0, 1000), await _api.IngestRecordsAsync(id, batch, Ct));
        Assert.Equal(1000, await CountAsync(id));
    }

    [Fact]
    public async Task Four_concurrent_writers_of_disjoint_batches_store_every_record_exactly_once()
    {
        var id = await StartAsync(_api, Register("ingest", Burst, Optimized, 8_000), Ct);
        var records = Enumerable.Range(0, 8_000).Select(i => Success(i, i, 100)).ToList();
        // Each writer sends its quarter, then retries it, while the other three are writing.
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var mine = records.Where(r => r.Index % 4 == w).Chunk(500).ToList();
            foreach (var chunk in mine.Concat(mine))
                await _api.IngestRecordsAsync(id, new RecordBatch(chunk), Ct);
        }, Ct));
        await Task.WhenAll(writers);

        Assert.Equal(8_000, await CountAsync(id));
        await using var command = fixture.Database.CreateCommand(
            "SELECT count(DISTINCT request_index), min(request_index), max(request_index) FROM request_records WHERE run_id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        await reader.ReadAsync(Ct);
        Assert.Equal((8_000L, 0, 7_999), (reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2)));
    }

    [Fact]
    public async Task Concurrent_writers_of_the_same_batches_store_each_record_once_and_account_for_every_duplicate()
    {
        var id = await StartAsync(_api, Register("ingest", Burst, Naive, 4_000), Ct);
        var batches = Enumerable.Range(0, 4_000).Select(i => Success(i, i, 100)).Chunk(1_000).ToList();
        // Four writers race with identical batches, so direct COPYs collide and fall back to the staged insert.
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var mine = new List<IngestResult>();
            foreach (var batch in batches.Skip(w).Concat(batches.Take(w)))
                mine.Add(await _api.IngestRecordsAsync(id, new RecordBatch(batch), Ct));
            return mine;
        }, Ct)));

        Assert.Equal(4_000, await CountAsync(id));
        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(4_000, all.Sum(r => r.Inserted));
        Assert.Equal(12_000, all.Sum(r => r.Duplicates));
    }

    [Fact]
    public async Task A_batch_with_one_invalid_record_is_rejected_whole_naming_index_and_field()
    {
        var id = await StartAsync(_api, Register("ingest", Steady, Naive, 100), Ct);
        await _api.IngestRecordsAsync(id, new RecordBatch([Success(0, 0, 100)]), Ct);
        var records = Enumerable.Range(1, 40).Select(i => Success(i, i, 100)).ToList();
        records[17] = records[17] with { OutputTokens = -3 };
        records[20] = records[20] with { Index = 100 };

        var rejected = await Assert.ThrowsAnyAsync<ApiException>(() => _api.IngestRecordsAsync(id, new RecordBatch(records), Ct));
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        var errors = Problem.Errors(rejected);
        Assert.Contains("records[17].outputTokens", errors.Keys);
        Assert.Contains("[0, 100)", Assert.Single(errors["records[20].index"]));
        Assert.Equal(1, await CountAsync(id));

        var dropWithoutReason = Dropped(5, 0, 10) with { Reason = null };
        var noReason = await Assert.ThrowsAnyAsync<ApiException>(() => _api.IngestRecordsAsync(id, new RecordBatch([dropWithoutReason]), Ct));
        Assert.Contains("WorkerLost", Assert.Single(Problem.Errors(noReason)["records[0].reason"]));
        Assert.Equal(1, await CountAsync(id));
    }

    [Fact]
    public async Task Ingest_into_a_finalized_run_answers_409_and_finalize_refuses_an_incomplete_ledger()
    {
        var id = await StartAsync(_api, Register("ingest", Steady, Naive, 3), Ct);
        await _api.IngestRecordsAsync(id, new RecordBatch([Success(0, 0, 100), Dropped(2, 10, 50)]), Ct);
        await _api.TransitionRunAsync(id, new RunTransitionRequest(RunStatus.Draining), Ct);

        var incomplete = await Assert.ThrowsAnyAsync<ApiException>(() => _api.FinalizeRunAsync(id, Ct));
        Assert.Equal(HttpStatusCode.Conflict, incomplete.StatusCode);
        Assert.Contains("missing 1 of its scheduled records (first missing indices: 1)", incomplete.Content);

        await _api.IngestRecordsAsync(id, new RecordBatch([Dropped(1, 5, 20, DropReason.WorkerLost, sent: false)]), Ct);
        var summary = await _api.FinalizeRunAsync(id, Ct);
        Assert.Equal(RunStatus.Completed, (await _api.GetRunAsync(id, Ct)).Status);
        Wire.Equal(summary, await _api.FinalizeRunAsync(id, Ct));

        var closed = await Assert.ThrowsAnyAsync<ApiException>(() => _api.IngestRecordsAsync(id, new RecordBatch([Success(1, 0, 100)]), Ct));
        Assert.Equal(HttpStatusCode.Conflict, closed.StatusCode);
        Assert.Equal(3, await CountAsync(id));
    }

    [Fact]
    public async Task Records_list_with_filters_and_paging_and_export_as_csv()
    {
        var id = await StartAsync(_api, Register("ingest", Burst, Naive, 30), Ct);
        var records = Enumerable.Range(0, 20).Select(i => Success(i, i * 10, 100))
            .Concat(Enumerable.Range(20, 6).Select(i => Dropped(i, i * 10, 70, DropReason.Rejected)))
            .Concat(Enumerable.Range(26, 4).Select(i => Dropped(i, i * 10, 90, DropReason.ConnectionError)))
            .ToList();
        await _api.IngestRecordsAsync(id, new RecordBatch(records), Ct);

        var page = await _api.ListRecordsAsync(id, RequestOutcome.Success, offset: 5, limit: 10, cancellationToken: Ct);
        Assert.Equal(20, page.Total);
        Assert.Equal(Enumerable.Range(5, 10), page.Items.Select(r => r.Index));
        Wire.Equal(records[7], page.Items[2]);
        var rejected = await _api.ListRecordsAsync(id, reason: DropReason.Rejected, cancellationToken: Ct);
        Assert.Equal(6, rejected.Total);
        Assert.All(rejected.Items, r => Assert.Equal(503, r.HttpStatus));

        using var csv = await _api.ExportRecordsCsvAsync(id, Ct);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(31, lines.Length);
        Assert.StartsWith("request_index,worker,planned_send", lines[0]);
        Assert.Contains(",dropped,connection_error,", lines[^1]);
    }

    [Fact]
    public async Task Every_field_survives_the_binary_copy_and_reads_back_unchanged()
    {
        var id = await StartAsync(_api, Register("ingest", Steady, Naive, 5), Ct);
        // Times at whole microseconds (PostgreSQL's resolution), every nullable field both set and null, text that needs
        // more than ASCII, an empty gap list and extreme numbers.
        var planned = T0.AddTicks(1_234_560);
        RequestRecord[] records =
        [
            new(0, "wörker-7 ✓", planned, planned.AddTicks(10), planned.AddMilliseconds(95.001), planned.AddMilliseconds(1500.5), null,
                RequestOutcome.Success, null, 200, 512, 128, 95.001, 11.2345678901, 1500.5,
                [0f, 1.5f, 12.345f, float.Epsilon, 3.4028235e38f, 1e-7f], new string('f', 32), 0.001, 94.9, 1405.499, null),
            new(1, "w", planned, null, null, null, planned.AddSeconds(60), RequestOutcome.Dropped, DropReason.Cancelled, null,
                512, 0, null, null, null, null, null, null, null, null, null),
            new(2, "w", planned, planned, null, null, planned.AddSeconds(2), RequestOutcome.Dropped, DropReason.HttpError, 500,
                512, 1, 40, null, null, [], "trace", Error: "server said \"boom\"\n\tline two — ünïcödé"),
            new(3, "w", planned, planned, null, null, planned.AddSeconds(60), RequestOutcome.Dropped, DropReason.WorkerLost, null,
                int.MaxValue, 0, double.MaxValue, double.Epsilon, 0, null, null),
            // Whole-microsecond gaps, as the load workers send them: stored in the compact form.
            new(4, "w", planned, planned, planned.AddMilliseconds(40), planned.AddMilliseconds(300.75), null,
                RequestOutcome.Success, null, 200, 512, 5, 40, 65.1875, 300.75, [25.001f, 0f, 155.749f, 80f], null),
        ];
        await _api.IngestRecordsAsync(id, new RecordBatch(records), Ct);

        var stored = await _api.ListRecordsAsync(id, cancellationToken: Ct);
        Assert.Equal(5, stored.Total);
        for (var i = 0; i < records.Length; i++)
        {
            Wire.Equal(records[i], stored.Items[i]);
        }
        // The packed gaps decode in SQL too, for ad-hoc queries, in either stored form.
        await using var command = fixture.Database.CreateCommand(
            "SELECT get_byte(itl_ms, 0), lab_itl_ms(itl_ms) FROM request_records WHERE run_id = @id AND request_index IN (0, 4) ORDER BY request_index");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        foreach (var (index, compact) in new[] { (0, false), (4, true) })
        {
            Assert.True(await reader.ReadAsync(Ct));
            Assert.Equal(compact, reader.GetInt32(0) == PackedGaps.CompactTag);
            Assert.Equal(records[index].ItlMs, reader.GetFieldValue<float[]>(1));
        }
    }

    [Fact]
    public async Task A_body_that_is_not_a_record_batch_is_rejected_with_what_was_wrong_and_nothing_written()
    {
        var id = await StartAsync(_api, Register("ingest", Steady, Naive, 10), Ct);
        using var client = fixture.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", CostApiFixture.ApiKey);

        using var broken = await client.PostAsync($"/api/runs/{id}/records",
            new StringContent("""{"records":[{"index":0,"worker":"w","itlMs":[1,true]}]}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        var problem = await broken.Content.ReadAsStringAsync(Ct);
        Assert.True(problem.Contains("$.records[0]", StringComparison.Ordinal) && problem.Contains("'itlMs'", StringComparison.Ordinal), problem);

        using var empty = await client.PostAsync($"/api/runs/{id}/records", new StringContent("", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);

        using var text = await client.PostAsync($"/api/runs/{id}/records", new StringContent("index=0", Encoding.UTF8, "text/plain"), Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Contains("application/json", await text.Content.ReadAsStringAsync(Ct));
        Assert.Equal(0, await CountAsync(id));

        // A body without Content-Length (chunked) is read to its end and taken like any other.
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new RecordBatch([Success(0, 0, 100), Success(1, 10, 100)]),
            Lab.Contracts.LabJsonContext.Default.RecordBatch);
        var chunked = new StreamContent(new UnseekableStream(json));
        chunked.Headers.ContentType = new("application/json");
        using var streamed = await client.PostAsync($"/api/runs/{id}/records", chunked, Ct);
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.Equal(2, await CountAsync(id));
    }

    /// <summary>A stream that cannot tell its length, so HttpClient sends it chunked.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }

    [Fact]
    public async Task Unknown_run_answers_404_as_problem_details()
    {
        var missing = await Assert.ThrowsAnyAsync<ApiException>(() => _api.IngestRecordsAsync(Guid.NewGuid(), new RecordBatch([Success(0, 0, 1)]), Ct));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var problem = JsonDocument.Parse(missing.Content!);
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
    }
}
