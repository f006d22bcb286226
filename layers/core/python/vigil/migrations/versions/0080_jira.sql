-- Jira integration: one configuration, one mapping per incident, comment provenance and a log
-- of every call made to Jira.

-- A single row (id = 1). Secrets are AES-256-GCM ciphertexts written by vigil.crypto.
CREATE TABLE jira_config (
    id                  smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    base_url            text NOT NULL,
    deployment_type     text NOT NULL CHECK (deployment_type IN ('CLOUD', 'DATA_CENTER')),
    email               text,
    api_token_enc       text,
    pat_enc             text,
    project_key         text NOT NULL,
    issue_type          text NOT NULL,
    priority_map        jsonb NOT NULL DEFAULT '{}',
    status_map          jsonb NOT NULL DEFAULT '{"toJira": {}, "fromJira": {}}',
    user_map            jsonb NOT NULL DEFAULT '{}',
    webhook_secret_enc  text NOT NULL,
    -- the Jira account our calls run as (accountId or username), learned from /myself; changes
    -- made by it are echoes of our own pushes
    integration_account text,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    updated_by          text
);

-- One row per incident. The row is the creation guard: it exists (status PENDING) before Jira
-- is called and a claim lease keeps two workers from creating at once. No foreign key to
-- incidents: the integration owns this table and only talks to incidents through its service.
CREATE TABLE jira_mappings (
    incident_id      uuid PRIMARY KEY,
    label            text NOT NULL,
    jira_key         text UNIQUE,
    jira_id          text,
    jira_url         text,
    status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SYNCED', 'FAILED')),
    last_error       text,
    source           jsonb NOT NULL DEFAULT '{}',
    -- what we last pushed (Jira status name, assignee id): a webhook repeating it is an echo
    pushed_status    text,
    pushed_assignee  text,
    claim_token      uuid,
    claimed_until    timestamptz,
    attempts         integer NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    last_synced_at   timestamptz
);
CREATE INDEX jira_mappings_pending_idx ON jira_mappings (status) WHERE status <> 'SYNCED';

-- Comments we wrote to Jira (direction OUT) or took from Jira (IN): a webhook for a comment we
-- wrote is our own echo, and a Jira comment is turned into a note once.
CREATE TABLE jira_comments (
    jira_comment_id text NOT NULL,
    jira_key        text NOT NULL,
    incident_id     uuid NOT NULL,
    direction       text NOT NULL CHECK (direction IN ('IN', 'OUT')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (jira_key, jira_comment_id)
);

-- Every HTTP call to Jira and every webhook received, with secrets redacted.
CREATE TABLE jira_sync_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    direction       text NOT NULL CHECK (direction IN ('OUT', 'IN')),
    operation       text NOT NULL,
    incident_id     uuid,
    jira_key        text,
    method          text,
    url             text,
    request         jsonb,
    response_status integer,
    response        jsonb,
    attempt         integer NOT NULL DEFAULT 1,
    duration_ms     integer,
    outcome         text NOT NULL,
    error           text
);
CREATE INDEX jira_sync_log_at_idx ON jira_sync_log (at DESC);
CREATE INDEX jira_sync_log_incident_idx ON jira_sync_log (incident_id, at DESC);
