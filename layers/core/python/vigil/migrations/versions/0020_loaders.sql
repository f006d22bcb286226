-- Loaders: customers' source databases (credentials encrypted), the segments dictionary,
-- loader definitions (SQL encrypted) and the record of every loader run.
CREATE TABLE source_databases (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                  text NOT NULL,
    type                  text NOT NULL CHECK (type IN ('postgresql', 'mysql')),
    host                  text NOT NULL,
    port                  integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
    db_name               text NOT NULL,
    user_name             text NOT NULL,
    password_enc          text NOT NULL,
    options               jsonb NOT NULL DEFAULT '{}',
    -- Result of the last read-only inspection (NULL until the first one ran).
    read_only_compliant   boolean,
    compliance_findings   jsonb NOT NULL DEFAULT '[]',
    compliance_checked_at timestamptz,
    -- {"reason", "by", "at"}: an ADMIN accepted a non-compliant source; cleared when the
    -- connection settings change, because it was given for another account.
    compliance_override   jsonb,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX source_databases_name_key ON source_databases (lower(name));

CREATE TABLE segments_dictionary (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    segment_code text NOT NULL UNIQUE,
    description  text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE loaders (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    loader_code        text NOT NULL UNIQUE,
    source_database_id uuid NOT NULL REFERENCES source_databases (id) ON DELETE RESTRICT,
    loader_sql_enc     text NOT NULL,
    interval_seconds   integer NOT NULL CHECK (interval_seconds > 0),
    max_parallelism    integer NOT NULL DEFAULT 1 CHECK (max_parallelism > 0),
    segments           text[] NOT NULL DEFAULT '{}',
    timeout_seconds    integer NOT NULL DEFAULT 30 CHECK (timeout_seconds > 0),
    enabled            boolean NOT NULL DEFAULT true,
    -- When the scheduler last enqueued a run; "due" is judged from it.
    last_scheduled_at  timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX loaders_source_idx ON loaders (source_database_id);
CREATE INDEX loaders_due_idx ON loaders (last_scheduled_at) WHERE enabled;

-- One row per run (the id is the executionId of the loader.run.requested message, so a
-- redelivered message finds its row). Deleting a loader deletes its history, not its signals.
CREATE TABLE loader_executions (
    id           uuid PRIMARY KEY,
    loader_id    uuid NOT NULL REFERENCES loaders (id) ON DELETE CASCADE,
    loader_code  text NOT NULL,
    status       text NOT NULL CHECK (status IN ('RUNNING', 'SUCCESS', 'FAILED')),
    trigger      text NOT NULL CHECK (trigger IN ('SCHEDULE', 'MANUAL')),
    attempts     integer NOT NULL DEFAULT 0,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    duration_ms  integer,
    rows         integer,
    rows_skipped integer,
    error        text
);
CREATE INDEX loader_executions_loader_idx ON loader_executions (loader_id, started_at DESC);
