-- Platform bookkeeping shared by every domain.
CREATE TABLE platform_state (
    key        text PRIMARY KEY,
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
