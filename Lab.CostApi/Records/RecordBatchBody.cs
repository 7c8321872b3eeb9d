// Reads a record batch from the request body in one contiguous buffer before parsing it.
using System.Buffers;
using System.Text.Json;
using Lab.Contracts;
using Lab.Contracts.Costs;

namespace Lab.CostApi.Records;

/// <summary>
/// A batch of 10,000 records is about 10 MiB of JSON. Parsing it from one contiguous pooled buffer lets the reader
/// take its single-segment path and keeps the large body out of the garbage collector's large-object heap; binding
/// it as a parameter parsed it segment by segment from the request pipe, which was the largest item of CostApi's
/// ingest profile (docs/benchmarks/cost-api.md).
/// </summary>
public static class RecordBatchBody
{
    /// <summary>Generous over a full batch (≈1.05 KiB per record), below Kestrel's 30 MB default request limit.</summary>
    public const int MaxBytes = 28 * 1024 * 1024;

    public sealed record Outcome(RecordBatch? Batch, int StatusCode, string? Error);

    public static async Task<Outcome> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
        {
            return new(null, StatusCodes.Status415UnsupportedMediaType,
                $"Send the batch as application/json; the request said '{request.ContentType ?? "(no content type)"}'.");
        }
        if (request.ContentLength > MaxBytes)
        {
            return new(null, StatusCodes.Status413PayloadTooLarge,
                $"The body is {request.ContentLength:N0} bytes; a batch may be at most {MaxBytes:N0} bytes (10,000 records).");
        }

        byte[] buffer;
        int length;
        if (request.ContentLength is { } declared)
        {
            // The usual case (the Lab clients send buffered bodies): exactly the declared bytes, one buffer.
            length = (int)declared;
            buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        }
        else
        {
            length = -1;
            buffer = ArrayPool<byte>.Shared.Rent(4 << 20);
        }
        try
        {
            if (length >= 0)
            {
                await request.Body.ReadExactlyAsync(buffer.AsMemory(0, length), ct);
            }
            else
            {
                // Chunked: grow until the body ends, within the limit.
                length = 0;
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        if (length > MaxBytes)
                        {
                            return new(null, StatusCodes.Status413PayloadTooLarge,
                                $"The body is over {MaxBytes:N0} bytes; a batch may be at most {MaxBytes:N0} bytes (10,000 records).");
                        }
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    var read = await request.Body.ReadAsync(buffer.AsMemory(length), ct);
                    if (read == 0)
                    {
                        break;
                    }
                    length += read;
                }
                if (length > MaxBytes)
                {
                    return new(null, StatusCodes.Status413PayloadTooLarge,
                        $"The body is {length:N0} bytes; a batch may be at most {MaxBytes:N0} bytes (10,000 records).");
                }
            }

            try
            {
                var batch = JsonSerializer.Deserialize<RecordBatch>(buffer.AsSpan(0, length), RequestRecordReader.IngestOptions);
                return batch?.Records is null
                    ? new(null, StatusCodes.Status400BadRequest, "The body must be a JSON object {\"records\": [...]}.")
                    : new(batch, StatusCodes.Status200OK, null);
            }
            catch (JsonException e)
            {
                return new(null, StatusCodes.Status400BadRequest,
                    $"The body is not a valid record batch at {e.Path ?? "$"} (line {e.LineNumber}, byte {e.BytePositionInLine}): {e.Message}");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
