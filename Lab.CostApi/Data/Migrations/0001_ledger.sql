-- The cost ledger: prices, experiment definitions, runs with frozen snapshots, request records, summaries,
-- matrix selections and decision records. Money is numeric (never float); durations are milliseconds.
CREATE TABLE gpu_prices (
    gpu                text PRIMARY KEY,
    usd_per_gpu_hour   numeric(12, 6) NOT NULL CHECK (usd_per_gpu_hour > 0),
    source             text NOT NULL,
    as_of              date NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE experiments (
    id          text PRIMARY KEY,
    definition  jsonb NOT NULL,
    version     integer NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE runs (
    id             uuid PRIMARY KEY,
    experiment     text NOT NULL,
    case_id        text NOT NULL,
    profile_id     text NOT NULL,
    target         text NOT NULL,
    seed           bigint NOT NULL,
    scale          double precision NOT NULL,
    scheduled      integer NOT NULL CHECK (scheduled > 0),
    status         text NOT NULL,
    status_reason  text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    t0             timestamptz,
    ended_at       timestamptz,
    snapshot       jsonb NOT NULL
);
CREATE INDEX runs_cell ON runs (experiment, case_id, profile_id, status, ended_at DESC);
CREATE INDEX runs_created ON runs (created_at DESC);

CREATE TABLE request_records (
    run_id         uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    request_index  integer NOT NULL,
    worker         text NOT NULL,
    planned_send   timestamptz NOT NULL,
    sent           timestamptz,
    first_token    timestamptz,
    last_token     timestamptz,
    given_up_at    timestamptz,
    outcome        text NOT NULL,
    reason         text,
    http_status    integer,
    prompt_tokens  integer NOT NULL,
    output_tokens  integer NOT NULL,
    ttft_ms        double precision,
    tpot_ms        double precision,
    e2e_ms         double precision,
    itl_ms         real[],
    trace_id       text,
    queue_ms       double precision,
    prefill_ms     double precision,
    decode_ms      double precision,
    error          text,
    PRIMARY KEY (run_id, request_index)
);

CREATE TABLE run_summaries (
    run_id                  uuid PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    summary                 jsonb NOT NULL,
    successful              integer NOT NULL,
    dropped                 integer NOT NULL,
    p95_latency_ms          double precision,
    run_cost_usd            numeric NOT NULL,
    cost_per_1k_successful  numeric,
    slo_passed              boolean NOT NULL,
    finalized_at            timestamptz NOT NULL
);

CREATE TABLE matrix_selections (
    experiment  text NOT NULL,
    case_id     text NOT NULL,
    profile_id  text NOT NULL,
    run_id      uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    pinned_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (experiment, case_id, profile_id)
);

CREATE TABLE decision_records (
    id          uuid PRIMARY KEY,
    experiment  text NOT NULL,
    title       text NOT NULL,
    statement   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX decision_records_experiment ON decision_records (experiment);

CREATE TABLE claims (
    decision_id    uuid NOT NULL REFERENCES decision_records (id) ON DELETE CASCADE,
    ordinal        integer NOT NULL,
    metric         text NOT NULL,
    case_id        text NOT NULL,
    profile_id     text NOT NULL,
    comparator     text NOT NULL,
    other_case     text,
    other_profile  text,
    value          text,
    text           text,
    PRIMARY KEY (decision_id, ordinal)
);
