-- Signals: one row per (loader, segment, time). Partitioned by month (native declarative
-- partitioning); partitions are created ahead by a schedule and on demand at ingest.
CREATE TABLE signals_history (
    loader_code     text             NOT NULL,
    segment_code    text             NOT NULL DEFAULT 'ALL',
    load_time_stamp timestamptz      NOT NULL,
    rec_count       bigint           NOT NULL DEFAULT 0,
    max_val         double precision,
    min_val         double precision,
    avg_val         double precision,
    sum_val         double precision,
    ingested_at     timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (loader_code, segment_code, load_time_stamp)
) PARTITION BY RANGE (load_time_stamp);

CREATE INDEX signals_history_loader_time_idx ON signals_history (loader_code, load_time_stamp);
CREATE INDEX signals_history_segment_time_idx ON signals_history (segment_code, load_time_stamp);
