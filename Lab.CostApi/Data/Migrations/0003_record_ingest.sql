-- request_records is the one hot table: a row per request, a million rows for a large run. Two changes for ingest
-- throughput, measured in docs/benchmarks/cost-api.md (text COPY of 200,000 realistic rows: 4.7 s before, 1.7 s after).

-- 1. Inter-token gaps are stored packed: float4 values in network byte order (what float4send produces), 4 bytes
--    each, instead of real[] (a 20-byte header plus a length word per element, and an element-by-element parse on the
--    way in). A successful 128-token request carries 127 gaps: 508 bytes instead of 1,040. lab_itl_ms() turns a
--    packed value back into real[] for ad-hoc SQL; the API and CSV export return the gaps as numbers.
CREATE FUNCTION lab_pack_float4(gaps real[]) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS
$$ SELECT coalesce(string_agg(float4send(g), ''::bytea ORDER BY o), ''::bytea) FROM unnest(gaps) WITH ORDINALITY AS u(g, o) $$;

ALTER TABLE request_records ALTER COLUMN itl_ms TYPE bytea USING lab_pack_float4(itl_ms);
DROP FUNCTION lab_pack_float4(real[]);
COMMENT ON COLUMN request_records.itl_ms IS
    'Inter-token gaps in ms, packed float4 in network byte order (4 bytes each); lab_itl_ms(itl_ms) gives real[]';

-- IEEE 754 single precision decoded arithmetically (PostgreSQL has no bit-cast from int4 to float4). Gaps are
-- validated finite and non-negative on ingest; NaN and infinities decode to NULL elements rather than lie.
CREATE FUNCTION lab_itl_ms(packed bytea) RETURNS real[] LANGUAGE sql IMMUTABLE STRICT AS
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

-- 2. No per-row foreign-key check on insert. PostgreSQL runs the check as a query per inserted row (a quarter of the
--    COPY time above). Ingest already holds the run's row FOR SHARE for its whole transaction after checking that it
--    exists and is not finalized, so no record can be written for a missing run or one deleted meanwhile. Deleting a
--    run still deletes its records, now through one statement-level trigger.
ALTER TABLE request_records DROP CONSTRAINT request_records_run_id_fkey;

CREATE FUNCTION lab_delete_run_records() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM request_records r USING deleted_runs d WHERE r.run_id = d.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER runs_delete_records AFTER DELETE ON runs
    REFERENCING OLD TABLE AS deleted_runs FOR EACH STATEMENT EXECUTE FUNCTION lab_delete_run_records();
