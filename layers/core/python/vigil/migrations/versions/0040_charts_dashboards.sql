-- Chart definitions and dashboards. The current definition lives on the entity row; every
-- change also writes an immutable version row (number, author, time, message).
CREATE TABLE charts (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    chart_type  text,
    is_template boolean NOT NULL DEFAULT false,
    parent_id   uuid REFERENCES charts (id),
    definition  jsonb NOT NULL,
    version     integer NOT NULL DEFAULT 1,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    search      tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', name || ' ' || coalesce(definition ->> 'description', ''))) STORED
);
CREATE INDEX charts_search_idx ON charts USING gin (search);
CREATE INDEX charts_parent_idx ON charts (parent_id);

CREATE TABLE chart_versions (
    entity_id  uuid NOT NULL REFERENCES charts (id) ON DELETE CASCADE,
    version    integer NOT NULL,
    definition jsonb NOT NULL,
    author     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    message    text,
    PRIMARY KEY (entity_id, version)
);

CREATE TABLE dashboards (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    definition  jsonb NOT NULL,
    version     integer NOT NULL DEFAULT 1,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dashboards_name_idx ON dashboards (lower(name));

CREATE TABLE dashboard_versions (
    entity_id  uuid NOT NULL REFERENCES dashboards (id) ON DELETE CASCADE,
    version    integer NOT NULL,
    definition jsonb NOT NULL,
    author     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    message    text,
    PRIMARY KEY (entity_id, version)
);

-- Which charts each dashboard places: kept in step with the definition, so deleting a chart
-- in use is refused by the database as well as by the service.
CREATE TABLE dashboard_charts (
    dashboard_id uuid NOT NULL REFERENCES dashboards (id) ON DELETE CASCADE,
    chart_id     uuid NOT NULL REFERENCES charts (id),
    PRIMARY KEY (dashboard_id, chart_id)
);
CREATE INDEX dashboard_charts_chart_idx ON dashboard_charts (chart_id);
