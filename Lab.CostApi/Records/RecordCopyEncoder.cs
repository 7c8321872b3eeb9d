// Request records in PostgreSQL's binary COPY format, encoded straight into a buffer for a raw COPY stream.
using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Lab.Contracts.Costs;
using Lab.Evidence;

namespace Lab.CostApi.Records;

/// <summary>
/// The binary COPY wire format (PostgreSQL docs, "COPY … Binary Format"): an 11-byte signature, flags and header
/// extension length, then per row a 16-bit field count and per field a 32-bit length (-1 for NULL) and the value in
/// the type's binary send format; a 16-bit -1 ends the data. Npgsql's <c>NpgsqlBinaryImporter</c> writes the same
/// bytes but resolves a converter and awaits once per field: 22 fields a row made it the largest cost of ingest after
/// JSON parsing (docs/benchmarks/cost-api.md). Column order is <see cref="RecordStore.Columns"/> after <c>run_id</c>.
/// </summary>
public sealed class RecordCopyEncoder : IDisposable
{
    private const short FieldCount = 22;
    private const int FlushThreshold = 1 << 16;
    // PostgreSQL timestamps count microseconds from 2000-01-01 00:00:00 UTC.
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] Success = "success"u8.ToArray();
    private static readonly byte[] Dropped = "dropped"u8.ToArray();

    private readonly Stream _destination;
    private readonly byte[] _runId = new byte[16];
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(FlushThreshold * 2);
    private int _used;

    public RecordCopyEncoder(Stream destination, Guid runId)
    {
        _destination = destination;
        runId.TryWriteBytes(_runId, bigEndian: true, out _);
        Header.CopyTo(_buffer, 0);
        _used = Header.Length;
    }

    public async ValueTask WriteAsync(RequestRecord record, CancellationToken ct)
    {
        var bound = MaxSize(record);
        if (_used + bound > _buffer.Length)
        {
            await FlushAsync(ct);
            if (bound > _buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(bound);
            }
        }
        _used += Encode(record, _buffer.AsSpan(_used));
        if (_used >= FlushThreshold)
        {
            await FlushAsync(ct);
        }
    }

    /// <summary>Writes the trailer and everything still buffered.</summary>
    public async ValueTask CompleteAsync(CancellationToken ct)
    {
        if (_used + 2 > _buffer.Length) await FlushAsync(ct);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_used), -1);
        _used += 2;
        await FlushAsync(ct);
    }

    private async ValueTask FlushAsync(CancellationToken ct)
    {
        await _destination.WriteAsync(_buffer.AsMemory(0, _used), ct);
        _used = 0;
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    private static int MaxSize(RequestRecord r) =>
        2 + FieldCount * 4 + 16 + 4 + 5 * 8 + 7 + 3 * 4 + 6 * 8
        + Encoding.UTF8.GetMaxByteCount(r.Worker?.Length ?? 0) + 32
        + Encoding.UTF8.GetMaxByteCount(r.TraceId?.Length ?? 0)
        + Encoding.UTF8.GetMaxByteCount(r.Error?.Length ?? 0)
        + PackedGaps.MaxSize(r.ItlMs?.Length ?? 0);

    private int Encode(RequestRecord r, Span<byte> span)
    {
        var at = 0;
        BinaryPrimitives.WriteInt16BigEndian(span, FieldCount);
        at += 2;
        Bytes(span, ref at, _runId);
        Int(span, ref at, r.Index);
        Text(span, ref at, r.Worker);
        Time(span, ref at, r.PlannedSend);
        Time(span, ref at, r.Sent);
        Time(span, ref at, r.FirstToken);
        Time(span, ref at, r.LastToken);
        Time(span, ref at, r.GivenUpAt);
        Bytes(span, ref at, r.Outcome == RequestOutcome.Success ? Success : Dropped);
        Text(span, ref at, r.Reason is { } reason ? DropReasons.Name(reason) : null);
        Int(span, ref at, r.HttpStatus);
        Int(span, ref at, r.PromptTokens);
        Int(span, ref at, r.OutputTokens);
        Double(span, ref at, r.TtftMs);
        Double(span, ref at, r.TpotMs);
        Double(span, ref at, r.E2eMs);
        if (r.ItlMs is { } gaps)
        {
            var size = PackedGaps.Pack(gaps, span[(at + sizeof(int))..]);
            Length(span, ref at, size);
            at += size;
        }
        else
        {
            Length(span, ref at, -1);
        }
        Text(span, ref at, r.TraceId);
        Double(span, ref at, r.QueueMs);
        Double(span, ref at, r.PrefillMs);
        Double(span, ref at, r.DecodeMs);
        Text(span, ref at, r.Error);
        return at;
    }

    private static void Length(Span<byte> span, ref int at, int length)
    {
        BinaryPrimitives.WriteInt32BigEndian(span[at..], length);
        at += 4;
    }

    private static void Bytes(Span<byte> span, ref int at, ReadOnlySpan<byte> value)
    {
        Length(span, ref at, value.Length);
        value.CopyTo(span[at..]);
        at += value.Length;
    }

    private static void Int(Span<byte> span, ref int at, int? value)
    {
        if (value is not { } v) { Length(span, ref at, -1); return; }
        Length(span, ref at, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[at..], v);
        at += 4;
    }

    private static void Double(Span<byte> span, ref int at, double? value)
    {
        if (value is not { } v) { Length(span, ref at, -1); return; }
        Length(span, ref at, 8);
        BinaryPrimitives.WriteDoubleBigEndian(span[at..], v);
        at += 8;
    }

    /// <summary>timestamptz: microseconds since 2000-01-01 UTC, truncated below the microsecond as Npgsql does.</summary>
    private static void Time(Span<byte> span, ref int at, DateTimeOffset? value)
    {
        if (value is not { } v) { Length(span, ref at, -1); return; }
        Length(span, ref at, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[at..], (v.UtcTicks - PostgresEpochTicks) / 10);
        at += 8;
    }

    private static void Text(Span<byte> span, ref int at, string? value)
    {
        if (value is null) { Length(span, ref at, -1); return; }
        var written = Encoding.UTF8.GetBytes(value, span[(at + 4)..]);
        Length(span, ref at, written);
        at += written;
    }
}
