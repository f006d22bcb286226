-- Notifications: contact groups, escalation policies, escalation executions, deliveries (one
-- per idempotency key) and the delivery log (one row per attempt).
CREATE TABLE contact_groups (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    description text,
    -- [{name, email, phone, userId, webhookUrl, channels}]: members live and die with the group.
    members     jsonb NOT NULL DEFAULT '[]'::jsonb,
    created_by  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX contact_groups_name_key ON contact_groups (lower(name));

CREATE TABLE escalation_policies (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    description text,
    is_default  boolean NOT NULL DEFAULT false,
    -- [{channels, targets: [{contactGroupId} | {userId}], waitSeconds}]
    levels      jsonb NOT NULL,
    repeat      integer NOT NULL DEFAULT 0 CHECK (repeat BETWEEN 0 AND 5),
    -- {severities, loaderCodes, labels}: empty means "only as the default"
    match       jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_by  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX escalation_policies_name_key ON escalation_policies (lower(name));
-- At most one default policy.
CREATE UNIQUE INDEX escalation_policies_one_default ON escalation_policies (is_default) WHERE is_default;

-- One escalation per subject (an alert or an incident). The row exists before the Step
-- Functions execution starts, so an acknowledgement that arrives first still wins.
CREATE TABLE notification_escalations (
    id              uuid PRIMARY KEY,
    subject_type    text NOT NULL CHECK (subject_type IN ('alert', 'incident')),
    subject_id      text NOT NULL,
    policy_id       uuid REFERENCES escalation_policies (id) ON DELETE SET NULL,
    status          text NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'NO_POLICY', 'ACKNOWLEDGED', 'RESOLVED')),
    execution_arn   text,
    steps           integer NOT NULL DEFAULT 0,
    -- what later messages about the subject need (title, severity, link), from the first event
    context         jsonb NOT NULL DEFAULT '{}'::jsonb,
    acknowledged_by text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    stopped_at      timestamptz,
    UNIQUE (subject_type, subject_id)
);

-- One row per (event, level, recipient, channel): the idempotency key that makes a
-- redelivered message never send twice.
CREATE TABLE notification_deliveries (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    idempotency_key     text NOT NULL UNIQUE,
    event_id            text NOT NULL,
    escalation_id       uuid REFERENCES notification_escalations (id) ON DELETE SET NULL,
    level               integer,
    channel             text NOT NULL CHECK (channel IN ('email', 'sms', 'ivr', 'webhook')),
    provider            text NOT NULL,
    recipient           text NOT NULL,
    template            text NOT NULL,
    subject_type        text,
    subject_id          text,
    status              text NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'failed')),
    attempts            integer NOT NULL DEFAULT 0,
    provider_message_id text,
    error               text,
    claimed_at          timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    sent_at             timestamptz,
    delivered_at        timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_deliveries_provider_msg_idx ON notification_deliveries (provider, provider_message_id);
CREATE INDEX notification_deliveries_subject_idx ON notification_deliveries (subject_type, subject_id);
CREATE INDEX notification_deliveries_pending_idx ON notification_deliveries (status, sent_at) WHERE status = 'sent';

CREATE TABLE notification_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id  uuid NOT NULL REFERENCES notification_deliveries (id) ON DELETE CASCADE,
    attempt      integer NOT NULL,
    channel      text NOT NULL,
    provider     text NOT NULL,
    recipient    text NOT NULL,
    template     text NOT NULL,
    status       text NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'failed')),
    error        text,
    event_id     text NOT NULL,
    subject_type text,
    subject_id   text,
    level        integer,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz,
    delivered_at timestamptz,
    UNIQUE (delivery_id, attempt)
);
CREATE INDEX notification_log_created_idx ON notification_log (created_at DESC, id DESC);
CREATE INDEX notification_log_channel_status_idx ON notification_log (channel, status, created_at DESC);
CREATE INDEX notification_log_subject_idx ON notification_log (subject_type, subject_id);
