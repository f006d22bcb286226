-- Incidents: the investigation record, its timeline, linked alerts, attachments, RCA reports,
-- the alert-grouping ledger and an outbox for the events the incident service publishes.
CREATE TABLE incidents (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    title           text NOT NULL,
    description     text NOT NULL DEFAULT '',
    severity        text NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'HIGH', 'CRITICAL')),
    status          text NOT NULL DEFAULT 'NEW'
                    CHECK (status IN ('NEW', 'INVESTIGATING', 'RESOLVED', 'CLOSED')),
    loader_code     text,
    assignee        text,
    source          text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'grouping')),
    group_key       text,
    resolution_note text,
    closure_reason  text,
    -- Every note's text, appended, so one generated tsvector covers title, description, notes.
    notes_text      text NOT NULL DEFAULT '',
    external_system text,
    external_key    text,
    external_url    text,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    acknowledged_at timestamptz,
    resolved_at     timestamptz,
    closed_at       timestamptz,
    search          tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', description), 'B')
        || setweight(to_tsvector('english', notes_text), 'C')
    ) STORED
);
CREATE INDEX incidents_search_idx ON incidents USING gin (search);
CREATE INDEX incidents_created_idx ON incidents (created_at DESC);
CREATE INDEX incidents_status_idx ON incidents (status, created_at DESC);
CREATE INDEX incidents_open_group_idx ON incidents (group_key)
    WHERE status IN ('NEW', 'INVESTIGATING') AND group_key IS NOT NULL;

CREATE TABLE incident_timeline (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor       text NOT NULL,
    kind        text NOT NULL,
    origin      text NOT NULL DEFAULT 'vigil',
    detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX incident_timeline_incident_idx ON incident_timeline (incident_id, at, id);

-- An alert belongs to at most one incident: redelivery can never link it twice.
CREATE TABLE incident_alerts (
    incident_id  uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    alert_id     text NOT NULL UNIQUE,
    rule_id      text,
    rule_name    text,
    loader_code  text,
    severity     text,
    chart_id     text,
    triggered_at timestamptz NOT NULL,
    resolved_at  timestamptz,
    payload      jsonb NOT NULL,
    linked_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (incident_id, alert_id)
);

-- Every alert.triggered the grouper has seen, with the group it fell in; incident_id is set
-- once the alert's group opened (or joined) an incident.
CREATE TABLE incident_group_alerts (
    alert_id     text PRIMARY KEY,
    group_key    text NOT NULL,
    severity     text NOT NULL,
    triggered_at timestamptz NOT NULL,
    payload      jsonb NOT NULL,
    incident_id  uuid REFERENCES incidents (id) ON DELETE SET NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_group_alerts_pending_idx ON incident_group_alerts (group_key, triggered_at)
    WHERE incident_id IS NULL;

CREATE TABLE incident_attachments (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    incident_id  uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    filename     text NOT NULL,
    content_type text NOT NULL,
    size_bytes   bigint NOT NULL CHECK (size_bytes > 0),
    sha256       text NOT NULL,
    object_key   text NOT NULL UNIQUE,
    uploaded_by  text NOT NULL,
    uploaded_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (incident_id, filename)
);

CREATE TABLE incident_reports (
    id           uuid PRIMARY KEY,
    incident_id  uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    object_key   text NOT NULL UNIQUE,
    size_bytes   bigint NOT NULL,
    chart_ids    jsonb NOT NULL DEFAULT '[]',
    range_from   timestamptz NOT NULL,
    range_to     timestamptz NOT NULL,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_reports_incident_idx ON incident_reports (incident_id, created_at DESC);

-- Transactional outbox: an event row commits with the change it announces and is published
-- right after; a schedule republishes rows left unpublished (the event id stays the same, so
-- consumers' idempotency drops duplicates).
CREATE TABLE incident_outbox (
    id           uuid PRIMARY KEY,
    event_type   text NOT NULL,
    envelope     jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
CREATE INDEX incident_outbox_pending_idx ON incident_outbox (created_at) WHERE published_at IS NULL;
