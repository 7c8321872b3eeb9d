-- Inter-token gaps get a second, compact stored form (Lab.CostApi/Records/PackedGaps.cs has the writer and reader).
--
-- A row was ~720 bytes, 508 of them the 127 gaps of a 128-token request as float4. PostgreSQL's cost per ingested row
-- is mostly proportional to its bytes (heap, WAL, and PostgreSQL 15 zero-filling every new block before writing it), so
-- gaps that are whole microseconds (what the load workers send) are now stored as zigzag varints of the change from the
-- previous gap: 0xFF, then one to three bytes per gap. Anything else keeps the float4 form, so no value ever changes.
-- Stored rows are not rewritten: a float4 value never starts with 0xFF (a negative NaN, which ingest rejects), so both
-- forms live side by side and every reader tells them apart by the first byte.

-- The float4 form's decoder from migration 0003 keeps its body under its own name; lab_itl_ms dispatches below.
ALTER FUNCTION lab_itl_ms(bytea) RENAME TO lab_unpack_float4;

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

CREATE FUNCTION lab_itl_ms(packed bytea) RETURNS real[] LANGUAGE sql IMMUTABLE STRICT AS
$$
    SELECT CASE WHEN length(packed) > 0 AND get_byte(packed, 0) = 255 THEN lab_unpack_compact(packed) ELSE lab_unpack_float4(packed) END
$$;

COMMENT ON COLUMN request_records.itl_ms IS
    'Inter-token gaps in ms: 0xFF + zigzag varints of whole-microsecond changes, or float4 in network byte order; lab_itl_ms(itl_ms) gives real[]';
