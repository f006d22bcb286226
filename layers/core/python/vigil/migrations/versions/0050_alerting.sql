-- Alerting: rules (extending chart definitions), per-series state, alerts, evaluations,
-- silences and an outbox for the events the evaluator publishes.
CREATE TABLE alert_rules (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    rule_name          text NOT NULL,
    chart_id           uuid NOT NULL REFERENCES charts (id),
    loader_code        text NOT NULL,
    severity           text NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'HIGH', 'CRITICAL')),
    status             text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'PAUSED')),
    definition         jsonb NOT NULL,
    labels             jsonb NOT NULL DEFAULT '{}',
    interval_seconds   integer NOT NULL,
    next_evaluation_at timestamptz NOT NULL DEFAULT now(),
    version            integer NOT NULL DEFAULT 1,
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_rules_due_idx ON alert_rules (next_evaluation_at) WHERE status = 'ACTIVE';
CREATE INDEX alert_rules_chart_idx ON alert_rules (chart_id);
CREATE INDEX alert_rules_loader_idx ON alert_rules (loader_code);

-- One row per rule and series (series_key '' when the rule watches one series, else the segment).
CREATE TABLE alert_rule_states (
    rule_id           uuid NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    series_key        text NOT NULL DEFAULT '',
    state             text NOT NULL CHECK (state IN ('OK', 'PENDING', 'FIRING', 'RESOLVED')),
    since             timestamptz NOT NULL,
    last_triggered_at timestamptz,
    alert_id          uuid,
    last_value        double precision,
    evaluated_at      timestamptz NOT NULL,
    PRIMARY KEY (rule_id, series_key)
);

CREATE TABLE alerts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    rule_id         uuid NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    rule_name       text NOT NULL,
    series_key      text NOT NULL DEFAULT '',
    loader_code     text NOT NULL,
    segment_code    text,
    severity        text NOT NULL,
    status          text NOT NULL CHECK (status IN ('FIRING', 'RESOLVED')),
    triggered_at    timestamptz NOT NULL,
    resolved_at     timestamptz,
    current_value   double precision,
    threshold       double precision,
    labels          jsonb NOT NULL DEFAULT '{}',
    chart_id        uuid,
    payload         jsonb NOT NULL,
    acknowledged_by text,
    acknowledged_at timestamptz
);
-- Two evaluators can never both open an alert for the same rule and series.
CREATE UNIQUE INDEX alerts_one_open_idx ON alerts (rule_id, series_key) WHERE status = 'FIRING';
CREATE INDEX alerts_triggered_idx ON alerts (triggered_at DESC);
CREATE INDEX alerts_rule_idx ON alerts (rule_id, triggered_at DESC);

CREATE TABLE alert_evaluations (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_id       uuid NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    series_key    text NOT NULL DEFAULT '',
    evaluated_at  timestamptz NOT NULL,
    state         text NOT NULL,
    candidate     text NOT NULL,
    value         double precision,
    score         double precision,
    held_seconds  integer,
    silenced      boolean NOT NULL DEFAULT false,
    action        text,
    details       jsonb,
    duration_ms   double precision
);
CREATE INDEX alert_evaluations_rule_idx ON alert_evaluations (rule_id, evaluated_at DESC);
CREATE INDEX alert_evaluations_time_idx ON alert_evaluations (evaluated_at);

-- Maintenance windows scheduled in advance: match by rule, by loader, or by labels (all given
-- labels must match).
CREATE TABLE alert_silences (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    rule_id     uuid REFERENCES alert_rules (id) ON DELETE CASCADE,
    loader_code text,
    labels      jsonb NOT NULL DEFAULT '{}',
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    reason      text NOT NULL,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    CHECK (rule_id IS NOT NULL OR loader_code IS NOT NULL OR labels <> '{}')
);
CREATE INDEX alert_silences_time_idx ON alert_silences (ends_at);

CREATE TABLE alert_outbox (
    id           uuid PRIMARY KEY,
    event_type   text NOT NULL,
    envelope     jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
CREATE INDEX alert_outbox_pending_idx ON alert_outbox (created_at) WHERE published_at IS NULL;
