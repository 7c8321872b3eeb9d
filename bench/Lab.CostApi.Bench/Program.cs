// CostApi benchmark: HTTP ingest vs a raw psql COPY, finalize of a 100k-record run, matrix latency over 10M records.
// Usage: dotnet run -c Release --project bench/Lab.CostApi.Bench [-- records=1000000 batch=5000 concurrency=4 total=10000000]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Lab.Contracts;
using Lab.Contracts.Costs;
using Lab.Contracts.Experiments;
using Lab.CostApi.Bench;
using Lab.Evidence;
using Lab.Testing.Processes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine("""
        CostApi benchmark: HTTP ingest vs a raw psql COPY, finalize of 100k-record runs, matrix latency over `total` records.
        Build CostApi first: dotnet build -c Release Lab.CostApi
        Options (name=value):
          records=1000000     records ingested over HTTP (0: skip ingest and the COPY reference)
          batch=5000          records per POST
          concurrency=4       parallel senders
          total=10000000      rows in request_records before the matrix is timed
          warm=<records>      full-batch warm-up before the timed ingest
          finalize=1          0: no finalize cells and no matrix (ingest and fill only)
          reference=1         0: skip the psql \copy reference
        """);
    return;
}
var options = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));
var recordCount = options.GetValueOrDefault("records", 1_000_000);
var batchSize = options.GetValueOrDefault("batch", 5_000);
var concurrency = options.GetValueOrDefault("concurrency", 4);
var totalRecords = options.GetValueOrDefault("total", 10_000_000);
var finalizeCells = options.GetValueOrDefault("finalize", 1) != 0;  // finalize=0: ingest (and matrix) only
var withReference = options.GetValueOrDefault("reference", 1) != 0; // reference=0: skip the psql COPY reference
var warmRecords = options.GetValueOrDefault("warm", recordCount);          // full-batch warm-up before the timed ingest
const int FinalizeRun = 100_000;
const string ApiKey = "bench-key";
var ct = CancellationToken.None;

using var root = new TemporaryDirectory("lab-costapi-bench-");
// A throwaway server: durability is off so the figures measure CostApi's work, not this VM's disk flushes.
var settings = new Dictionary<string, string>
{
    ["fsync"] = "off",
    ["synchronous_commit"] = "off",
    ["full_page_writes"] = "off",
    ["shared_buffers"] = "512MB",
    ["max_wal_size"] = "8GB",
    ["checkpoint_timeout"] = "30min",
    ["log_min_duration_statement"] = "250",
};
// PostgreSQL from the stores AppHost under real Aspire (DCP), the settings above passed as -c; waiting for cleanup on
// stop lets postgres exit before its folder is deleted.
await using var storesBuilder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Lab_Stores_AppHost>(
    [$"Lab:StateDirectory={root.Path}", "DcpPublisher:WaitForResourceCleanup=true", .. settings.Select(s => $"Lab:Postgres:Settings:{s.Key}={s.Value}")], ct);
storesBuilder.Services.AddLogging(logging => logging.AddFilter("Lab.Stores.AppHost.Resources", LogLevel.None).AddFilter("Aspire.Hosting", LogLevel.Warning).AddFilter("Lab.Hosting.Local", LogLevel.Warning));
await using var stores = await storesBuilder.BuildAsync(ct);
await stores.StartAsync(ct);
ResourceEvent server;
using (var startup = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
{
    server = await stores.ResourceNotifications.WaitForResourceHealthyAsync("postgres", startup.Token);
    await stores.ResourceNotifications.WaitForResourceHealthyAsync("labdb", startup.Token);
}
// The server's slow statements and failures on stderr, as before; the testing host's own copy of every resource log
// line is filtered out below. Logs are kept per running instance (its resource id), not per resource name.
_ = Task.Run(async () =>
{
    await foreach (var lines in stores.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(server.ResourceId))
        foreach (var line in lines.Select(l => WithoutTimestamp(l.Content)))
            if (line.Contains("duration:", StringComparison.Ordinal) || line.Contains("FATAL", StringComparison.Ordinal) || line.Contains("PANIC", StringComparison.Ordinal) || line.Contains("terminated", StringComparison.Ordinal))
                Console.Error.WriteLine("postgres: " + line[..Math.Min(line.Length, 300)]);
});
// postmaster.pid holds the server's own pid (for the CPU figures) and the port it listens on. Everything here talks to
// that port directly, as it did before Aspire: DCP's proxy in front of the endpoint would add a hop, and CPU this
// bench does not count, to every figure.
var postmaster = File.ReadLines(Path.Combine(root.Path, "postgres", "postmaster.pid")).ToArray();
var postmasterPid = int.Parse(postmaster[0], CultureInfo.InvariantCulture);
var postgresDirect = new NpgsqlConnectionStringBuilder(await stores.GetConnectionStringAsync("labdb", ct))
    { Host = "127.0.0.1", Port = int.Parse(postmaster[3], CultureInfo.InvariantCulture) };
var connectionString = postgresDirect.ConnectionString;

var repo = FindRepositoryRoot();
var costApiDll = Path.Combine(repo, "Lab.CostApi", "bin", "Release", "net10.0", "Lab.CostApi.dll");
var port = FreePort.Next();
await using var costApi = NativeProcess.Start("dotnet", [costApiDll], (line, isError) => { if (isError) Console.Error.WriteLine("costapi: " + line); },
    new Dictionary<string, string?>
    {
        ["ConnectionStrings__labdb"] = connectionString,
        ["Lab__ApiKey"] = ApiKey,
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        ["Logging__LogLevel__Default"] = "Warning",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
    }, workingDirectory: Path.GetDirectoryName(costApiDll));
if (!await FreePort.WaitForListenerAsync(port, TimeSpan.FromSeconds(60), ct))
    throw new InvalidOperationException("CostApi did not start listening; build it first: dotnet build -c Release Lab.CostApi");

var services = new ServiceCollection();
services.AddCostApiClient(new Uri($"http://127.0.0.1:{port}"), _ => ApiKey)
    .ConfigureHttpClient(c => c.Timeout = TimeSpan.FromMinutes(5));
var api = services.BuildServiceProvider().GetRequiredService<ICostApi>();
await using var db = NpgsqlDataSource.Create(connectionString);

Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; postgres {await ScalarAsync<string>("SHOW server_version")} (fsync=off, synchronous_commit=off, full_page_writes=off)");
Console.WriteLine($"records: 512 prompt / 128 output tokens, 127 ITL gaps each, 10 % timeouts; JSON batch of {batchSize} ≈ {JsonBytes(batchSize) / 1_048_576.0:0.0} MiB");

// 1. HTTP ingest of the full set, `concurrency` senders in parallel, as load workers would post.
//    records=0 skips phases 1-2 to re-measure finalize and the matrix alone.
var clock = Stopwatch.StartNew();
if (recordCount > 0)
{
    var ingestExperiment = Definition("bench-ingest");
    await api.UpsertExperimentAsync(ingestExperiment.Id, ingestExperiment, ct);
    var ingestRun = await StartRunAsync(ingestExperiment, "steady", "optimized", recordCount);
    clock.Restart();
    var records = Enumerable.Range(0, recordCount).Select(i => BenchRecords.Make(i)).ToArray();
    var batches = records.Chunk(batchSize).ToArray();
    var probe = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new RecordBatch(batches[0]), LabJsonContext.Default.RecordBatch);
    using (var raw = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") })
    {
        raw.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        for (var i = 0; i < 3; i++)
        {
            clock.Restart();
            using var content = new ByteArrayContent(probe);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            var response = await raw.PostAsync($"/api/runs/{ingestRun}/records", content, ct);
            Console.WriteLine($"  probe: one {probe.Length / 1_048_576.0:0.0} MiB batch POST (raw bytes) -> {(int)response.StatusCode} in {clock.Elapsed.TotalMilliseconds:0} ms");
        }
    }
    // 1a. The server's rate: every batch is encoded before the clock starts, as a load generator sends prepared bodies;
    //     in the lab the workers encode their batches over the whole run, not in one burst.
    var encoded = batches.Select(b => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new RecordBatch(b), LabJsonContext.Default.RecordBatch)).ToArray();
    // Parse cost alone, in this process on one thread: what CostApi spends per record before touching PostgreSQL.
    for (var round = 0; round < 2; round++) // the first round warms up the JIT
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var parseClock = Stopwatch.StartNew();
        foreach (var body in encoded)
            _ = System.Text.Json.JsonSerializer.Deserialize(body, LabJsonContext.Default.RecordBatch);
        if (round == 1)
            Console.WriteLine($"  parse only with the contract's generated reader (one thread, this process): {parseClock.Elapsed.TotalMilliseconds * 1000 / recordCount:0.00} µs and " +
                $"{(GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)recordCount:N0} bytes allocated per record");
    }
    // Warm-up: a fresh CostApi compiles and re-compiles its hot paths (tiered JIT, with dynamic PGO three compilations
    // per hot method) and the lab's CostApi runs for hours, so the timed phase starts in steady state. Per-record code
    // is hot within the first batch, but per-request code (Kestrel, routing, auth, telemetry, the COPY set-up) tiers
    // up only after ~30 calls plus the tiering delay: 20 batches of 5,000 left it compiling 2,600 methods (1.4 MB of
    // code, ~2 CPU-s) inside the timed million. So: 300 small requests first, then `warm` records in full batches.
    var warmRun = await StartRunAsync(ingestExperiment, "burst", "optimized", recordCount);
    using (var warm = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) })
    {
        warm.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        clock.Restart();
        const int SmallRequests = 300, SmallBatch = 50;
        var small = batches.SelectMany(b => b).Skip(100_000).Take(SmallRequests * SmallBatch).Chunk(SmallBatch)
            .Select(chunk => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new RecordBatch(chunk), LabJsonContext.Default.RecordBatch)).ToArray();
        await PostAllAsync(warm, small, warmRun, concurrency, ct);
        Console.WriteLine($"  warm-up: {small.Length} requests of {SmallBatch} records in {clock.Elapsed.TotalSeconds:0.00} s");
        clock.Restart();
        var warmBatches = Math.Min(encoded.Length, Math.Max(1, warmRecords / batchSize));
        await PostAllAsync(warm, encoded[..warmBatches], warmRun, concurrency, ct);
        Console.WriteLine($"  warm-up: {warmBatches * batchSize:N0} records into a separate run in {clock.Elapsed.TotalSeconds:0.00} s = {warmBatches * batchSize / clock.Elapsed.TotalSeconds:N0} records/s (fresh process)");
    }
    // PostgreSQL's steady state too. A fresh cluster creates every WAL segment by writing 16 MiB of zeros first (perf
    // put 9 % of PostgreSQL's time in XLogFileInit during a timed million on a fresh cluster); a server that has run
    // through a checkpoint renames old segments for reuse instead. A warm-up as large as the timed phase followed by a
    // checkpoint leaves enough recycled segments behind, and writes the warm-up's dirty pages outside the clock.
    // Extending the table (one zero-filled block at a time in PostgreSQL 15) stays inside it: steady ingest pays that.
    await ExecuteAsync("CHECKPOINT");
    await Task.Delay(TimeSpan.FromSeconds(2), ct); // lets the background tier-1 compiles queued by the warm-up finish
    var walBefore = await ScalarAsync<string>("SELECT pg_current_wal_lsn()::text");
    var cpu = CpuSample.Take(costApi.Pid, postmasterPid);
    clock.Restart();
    using (var raw = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) })
    {
        raw.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        await PostAllAsync(raw, encoded, ingestRun, concurrency, ct);
    }
    var ingestSeconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"ingest over HTTP (prepared JSON bodies, {concurrency} senders, batches of {batchSize}): {recordCount:N0} records in {ingestSeconds:0.00} s = {recordCount / ingestSeconds:N0} records/s");
    Console.WriteLine("  CPU " + CpuSample.Take(costApi.Pid, postmasterPid).Since(cpu, ingestSeconds));
    var walBytes = await ScalarAsync<decimal>($"SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '{walBefore}')");
    Console.WriteLine($"  WAL written: {walBytes / 1_048_576:N0} MiB = {walBytes / recordCount:N0} bytes per record");
    encoded = null;

    // 1b. The same records again into a second run through the shared Refit client, encoding each batch on the way
    //     as the workers do (client and server share the two cores here).
    var refitRun = await StartRunAsync(ingestExperiment, "steady", "optimized", recordCount);
    var next = -1;
    cpu = CpuSample.Take(costApi.Pid, postmasterPid);
    clock.Restart();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < batches.Length)
            await api.IngestRecordsAsync(refitRun, new RecordBatch(batches[i]), ct);
    })));
    var refitSeconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"ingest over HTTP (Refit, encoding on the way, {concurrency} senders, batches of {batchSize}): {recordCount:N0} records in {refitSeconds:0.00} s = {recordCount / refitSeconds:N0} records/s");
    Console.WriteLine("  CPU " + CpuSample.Take(costApi.Pid, postmasterPid).Since(cpu, refitSeconds));
    var stored = await ScalarAsync<long>("SELECT count(*) FROM request_records");
    Console.WriteLine($"  stored: {stored:N0} (two runs and the warm-up); retrying batch 0 again inserts {(await api.IngestRecordsAsync(ingestRun, new RecordBatch(batches[0]), ct)).Inserted}");

    // 2. Physical reference: the same rows through psql's \copy into an identical table (primary key included).
    if (withReference)
    {
    var copyFile = Path.Combine(root.Path, "records.tsv");
    var referenceRun = Guid.NewGuid();
    await using (var writer = new StreamWriter(copyFile))
    {
        var line = new StringBuilder();
        foreach (var r in records)
        {
            line.Clear();
            BenchRecords.AppendCopyRow(line, referenceRun, r);
            await writer.WriteAsync(line);
        }
    }
    await ExecuteAsync("CREATE TABLE copy_reference (LIKE request_records INCLUDING ALL)");
    await ExecuteAsync("CHECKPOINT"); // the same steady state as the timed ingest: recycled WAL segments, no dirty pages
    cpu = CpuSample.Take(costApi.Pid, postmasterPid);
    clock.Restart();
    var psql = await RunPsqlAsync($"\\copy copy_reference ({BenchRecords.CopyColumns}) FROM '{copyFile}'");
    var copySeconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"psql \\copy of the same rows (text format, {new FileInfo(copyFile).Length / 1_048_576} MiB file): {psql.Trim()} in {copySeconds:0.00} s = {recordCount / copySeconds:N0} records/s");
    Console.WriteLine("  CPU " + CpuSample.Take(costApi.Pid, postmasterPid).Since(cpu, copySeconds) + " (psql itself not counted)");
    Console.WriteLine($"  HTTP ingest runs at {ingestSeconds / copySeconds:0.00}x the time of the raw COPY");
    await ExecuteAsync("DROP TABLE copy_reference");
    }
}

// 3. Finalize: four 100k-record runs (one per matrix cell) ingested over HTTP, each finalized and timed.
var matrixExperiment = Definition("bench-cost");
await api.UpsertExperimentAsync(matrixExperiment.Id, matrixExperiment, ct);
foreach (var caseId in finalizeCells ? new[] { "steady", "burst" } : [])
{
    foreach (var profile in new[] { "naive", "optimized" })
    {
        var run = await StartRunAsync(matrixExperiment, caseId, profile, FinalizeRun);
        var cell = Enumerable.Range(0, FinalizeRun).Select(i => BenchRecords.Make(i)).ToArray();
        await Task.WhenAll(cell.Chunk(batchSize).Chunk(concurrency).Select(group => Task.WhenAll(group.Select(b => api.IngestRecordsAsync(run, new RecordBatch(b), ct)))));
        await api.TransitionRunAsync(run, new RunTransitionRequest(RunStatus.Draining), ct);
        await api.TransitionRunAsync(run, new RunTransitionRequest(RunStatus.Finalizing), ct);
        clock.Restart();
        var summary = await api.FinalizeRunAsync(run, ct);
        Console.WriteLine($"finalize {caseId}/{profile} ({FinalizeRun:N0} records, {summary.Itl?.Count:N0} ITL gaps): {clock.Elapsed.TotalMilliseconds:0} ms " +
            $"— successful {summary.Successful:N0}, dropped {summary.Dropped:N0}, p95 {summary.RequestLatency!.P95 / 1000:0.00} s, cost/1K ${Math.Round(summary.CostPer1KSuccessfulUsd!.Value, 6)}");
    }
}

// 4. Fill the table to `total` records with server-generated rows in their own runs, then time the matrix.
var have = await ScalarAsync<long>("SELECT count(*) FROM request_records");
var fillerExperiment = Definition("bench-filler");
clock.Restart();
for (var filled = have; filled < totalRecords; filled += FinalizeRun)
{
    var run = await StartRunAsync(fillerExperiment, "steady", "naive", FinalizeRun);
    await using var fill = db.CreateCommand(
        """
        INSERT INTO request_records (run_id, request_index, worker, planned_send, sent, first_token, last_token, outcome, http_status,
            prompt_tokens, output_tokens, ttft_ms, tpot_ms, e2e_ms, trace_id)
        SELECT @run, g, 'worker-' || (g % 4), @t0 + g * interval '20 ms', @t0 + g * interval '20 ms', @t0 + g * interval '20 ms' + interval '90 ms',
            @t0 + g * interval '20 ms' + interval '1500 ms', 'success', 200, 512, 128, 90, 11.1, 1500, lpad(to_hex(g), 32, '0')
        FROM generate_series(0, @n - 1) g
        """);
    fill.Parameters.AddWithValue("run", run);
    fill.Parameters.AddWithValue("t0", BenchRecords.T0);
    fill.Parameters.AddWithValue("n", (int)Math.Min(FinalizeRun, totalRecords - filled));
    fill.CommandTimeout = 600;
    await fill.ExecuteNonQueryAsync(ct);
}
await ExecuteAsync("VACUUM ANALYZE");
var total = await ScalarAsync<long>("SELECT count(*) FROM request_records");
Console.WriteLine($"filled request_records to {total:N0} rows ({await ScalarAsync<long>("SELECT count(*) FROM runs"):N0} runs, {await ScalarAsync<string>("SELECT pg_size_pretty(pg_total_relation_size('request_records'))")}) in {clock.Elapsed.TotalSeconds:0} s");

if (!finalizeCells) { await costApi.StopAsync(TimeSpan.FromSeconds(5)); return; }
for (var i = 0; i < 50; i++) await api.GetMatrixAsync("bench-cost", ct);
Console.WriteLine($"  load average before the matrix calls: {File.ReadAllText("/proc/loadavg").Trim()}");
var timings = new List<double>();
for (var i = 0; i < 1000; i++)
{
    clock.Restart();
    var matrix = await api.GetMatrixAsync("bench-cost", ct);
    timings.Add(clock.Elapsed.TotalMilliseconds);
    if (matrix.Cells.Count(c => c.Summary is not null) != 4) throw new InvalidOperationException("matrix lost a cell");
}
timings.Sort();
double P(double p) => NearestRank.Percentile(timings, p);
Console.WriteLine($"GET /api/experiments/bench-cost/matrix over {total:N0} records, 1000 sequential calls through Refit: p50 {P(50):0.00} ms, p95 {P(95):0.00} ms, p99 {P(99):0.00} ms, max {timings[^1]:0.00} ms");
// The database side of the matrix's cell selection, to show it does not read request_records.
await using (var explain = db.CreateCommand(
    """
    EXPLAIN (ANALYZE, BUFFERS)
    SELECT DISTINCT ON (r.case_id, r.profile_id) r.id, s.summary FROM runs r JOIN run_summaries s ON s.run_id = r.id
    WHERE r.experiment = 'bench-cost' AND r.status = 'Completed'
    ORDER BY r.case_id, r.profile_id, r.ended_at DESC NULLS LAST, r.created_at DESC
    """))
await using (var plan = await explain.ExecuteReaderAsync(ct))
{
    while (await plan.ReadAsync(ct))
        Console.WriteLine("  plan: " + plan.GetString(0));
}
await costApi.StopAsync(TimeSpan.FromSeconds(5));
return;

// Posts prepared JSON bodies to a run's ingest endpoint from `senders` parallel loops, each taking the next body.
static async Task PostAllAsync(HttpClient client, byte[][] bodies, Guid run, int senders, CancellationToken ct)
{
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < bodies.Length)
        {
            using var content = new ByteArrayContent(bodies[i]);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync($"/api/runs/{run}/records", content, ct);
            response.EnsureSuccessStatusCode();
        }
    }, ct)));
}

async Task<Guid> StartRunAsync(ExperimentDefinition definition, string caseShort, string profileShort, int scheduled)
{
    var caseDefinition = definition.Cases.Single(c => c.Id.StartsWith(caseShort, StringComparison.Ordinal));
    var profile = definition.Profiles.Single(p => p.Id.StartsWith(profileShort, StringComparison.Ordinal));
    var price = await api.GetPriceAsync(profile.PriceRef, ct);
    var id = Guid.NewGuid();
    await api.RegisterRunAsync(new RegisterRunRequest(id, definition.Id, caseDefinition.Id, profile.Id, "http://servingsim", 1, 1, scheduled,
        new RunSnapshot(caseDefinition, profile, definition.Slo, price, definition.EvidenceBoundary)), ct);
    foreach (var status in new[] { RunStatus.CheckingReadiness, RunStatus.WarmingUp })
        await api.TransitionRunAsync(id, new RunTransitionRequest(status), ct);
    await api.TransitionRunAsync(id, new RunTransitionRequest(RunStatus.Running, T0: BenchRecords.T0), ct);
    return id;
}

static ExperimentDefinition Definition(string id)
{
    CaseDefinition Case(string caseId) => new(caseId, caseId, 512, 128, new ArrivalDefinition("poisson", 50), 60, 60);
    ProfileDefinition Profile(string profileId) => new(profileId, profileId, "meta-llama/Llama-3.1-8B-Instruct", "H100-SXM-80GB", 1, 1, "H100-SXM-80GB",
        new Dictionary<string, string>());
    return new ExperimentDefinition(id, id, "benchmark", "cost", "benchmark", [Case("steady-cost-efficiency"), Case("burst-cost-efficiency")],
        [Profile("naive-single"), Profile("optimized-batched")], [], new SloDefinition(2, 5, 0.01), "Serving GPUs only.", []);
}

long JsonBytes(int count) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
    new RecordBatch(Enumerable.Range(0, count).Select(i => BenchRecords.Make(i)).ToArray()), LabJsonContext.Default.RecordBatch).LongLength;

async Task<T> ScalarAsync<T>(string sql)
{
    await using var command = db.CreateCommand(sql);
    return (T)(await command.ExecuteScalarAsync(ct))!;
}

async Task ExecuteAsync(string sql)
{
    await using var command = db.CreateCommand(sql);
    command.CommandTimeout = 600;
    await command.ExecuteNonQueryAsync(ct);
}

async Task<string> RunPsqlAsync(string command)
{
    var output = new StringBuilder();
    await using var process = NativeProcess.Start("psql", ["-h", "127.0.0.1", "-p", postgresDirect.Port.ToString(CultureInfo.InvariantCulture), "-U", postgresDirect.Username!, "-d", "labdb", "-v", "ON_ERROR_STOP=1", "-c", command],
        (line, _) => { lock (output) output.AppendLine(line); }, new Dictionary<string, string?> { ["PGPASSWORD"] = postgresDirect.Password });
    await process.Exited;
    await Task.Delay(50, ct);
    if (process.ExitCode != 0) throw new InvalidOperationException("psql failed: " + output);
    lock (output) return output.ToString();
}

// DCP puts its own receive time in front of each line; postgres's log line follows it.
static string WithoutTimestamp(string line) =>
    line.IndexOf(' ') is > 0 and var space && DateTime.TryParse(line[..space], CultureInfo.InvariantCulture, out _) ? line[(space + 1)..] : line;

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Lab.sln"))) return dir.FullName;
    throw new InvalidOperationException("Run the benchmark from inside the repository.");
}
