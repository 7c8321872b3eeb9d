-- Inter-token gaps get a second, compact stored form (Lab.CostApi/Records/PackedGaps.cs has the writer and reader).
--
-- A row was ~720 bytes, 508 of them the 127 gaps of a 128-token request as float4. PostgreSQL's cost per ingested row
-- is mostly proportional to its bytes (heap, WAL, and PostgreSQL 15 zero-filling every new block before writing it), so
-- gaps that are whole microseconds (what the load workers send) are now stored as zigzag varints of the change from the
-- previous gap: 0xFF, then one to three bytes per gap. Anything else keeps the float4 form, so no value ever changes.
-- Stored rows are not rewritten: a float4 value never starts with 0xFF (a negative NaN, which ingest rejects), so both
-- forms live side by side and every reader tells them apart by the first byte.

-- The float4 form's decoder, unchanged from migration 0003 under its own name.
CREATE FUNCTION lab_unpack_float4(packed bytea) RETURNS real[] LANGUAGE sql IMMUTABLE STRICT AS
$$
    SELECT coalesce(array_agg(
        CASE
            WHEN e = 255 THEN NULL
            WHEN e = 0 THEN (CASE WHEN s = 1 THEN -1 ELSE 1 END * m * 2::float8 ^ -149)::real
            ELSE (CASE WHEN s = 1 THEN -1 ELSE 1 END * (1 + m / 8388608::float8) * 2::float8 ^ (e - 127))::real
        END ORDER BY i), '{}')
    FROM (
        SELECT i,
               get_byte(packed, i * 4) >> 7 AS s,
               ((get_byte(packed, i * 4) & 127) << 1) | (get_byte(packed, i * 4 + 1) >> 7) AS e,
               ((get_byte(packed, i * 4 + 1) & 127) << 16) | (get_byte(packed, i * 4 + 2) << 8) | get_byte(packed, i * 4 + 3) AS m
        FROM generate_series(0, length(packed) / 4 - 1) AS i
    ) AS parts
$$;

-- The compact form: microseconds accumulate from 0; each gap is (float4)(microseconds / 1000.0), as in C#.
CREATE FUNCTION lab_unpack_compact(packed bytea) RETURNS real[] LANGUAGE plpgsql IMMUTABLE STRICT AS
$$
DECLARE
    gaps real[] := '{}';
    n integer := length(packed);
    i integer := 1;
    b integer;
    shift integer;
    zigzag bigint;
    microseconds bigint := 0;
BEGIN
    WHILE i < n LOOP
        zigzag := 0;
        shift := 0;
        LOOP
            b := get_byte(packed, i);
            i := i + 1;
            zigzag := zigzag | ((b & 127)::bigint << shift);
            shift := shift + 7;
            EXIT WHEN b < 128;
        END LOOP;
        microseconds := microseconds + ((zigzag >> 1) # -(zigzag & 1));
        gaps := gaps || (microseconds / 1000.0::float8)::real;
    END LOOP;
    RETURN gaps;
END
$$;

CREATE OR REPLACE FUNCTION lab_itl_ms(packed bytea) RETURNS real[] LANGUAGE sql IMMUTABLE STRICT AS
$$
    SELECT CASE WHEN length(packed) > 0 AND get_byte(packed, 0) = 255 THEN lab_unpack_compact(packed) ELSE lab_unpack_float4(packed) END
$$;

COMMENT ON COLUMN request_records.itl_ms IS
    'Inter-token gaps in ms: 0xFF + zigzag varints of whole-microsecond changes, or float4 in network byte order; lab_itl_ms(itl_ms) gives real[]';
