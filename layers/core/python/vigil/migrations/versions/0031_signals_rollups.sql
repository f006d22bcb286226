-- Signals rollups: per-bucket aggregates maintained at ingest by vigil.signals.ingest.
-- For every value field the rollup keeps sum, count of non-null values, min and max, so an
-- average over any set of buckets is sum(sum)/sum(count): exact, never an average of averages.
-- `points` counts raw rows; `rec_count` is the sum of their rec_count.
-- signals_rollup_1m is partitioned by month like signals_history (retention drops both);
-- 1h and 1d are small and pruned by DELETE.
CREATE TABLE signals_rollup_1m (
    loader_code   text             NOT NULL,
    segment_code  text             NOT NULL,
    bucket_start  timestamptz      NOT NULL,
    points        bigint           NOT NULL,
    rec_count     bigint           NOT NULL,
    max_val_sum   double precision NOT NULL DEFAULT 0,
    max_val_cnt   bigint           NOT NULL DEFAULT 0,
    max_val_min   double precision,
    max_val_max   double precision,
    min_val_sum   double precision NOT NULL DEFAULT 0,
    min_val_cnt   bigint           NOT NULL DEFAULT 0,
    min_val_min   double precision,
    min_val_max   double precision,
    avg_val_sum   double precision NOT NULL DEFAULT 0,
    avg_val_cnt   bigint           NOT NULL DEFAULT 0,
    avg_val_min   double precision,
    avg_val_max   double precision,
    sum_val_sum   double precision NOT NULL DEFAULT 0,
    sum_val_cnt   bigint           NOT NULL DEFAULT 0,
    sum_val_min   double precision,
    sum_val_max   double precision,
    PRIMARY KEY (loader_code, segment_code, bucket_start)
) PARTITION BY RANGE (bucket_start);

CREATE INDEX signals_rollup_1m_loader_time_idx ON signals_rollup_1m (loader_code, bucket_start);

CREATE TABLE signals_rollup_1h (LIKE signals_rollup_1m INCLUDING DEFAULTS,
                                PRIMARY KEY (loader_code, segment_code, bucket_start));
CREATE INDEX signals_rollup_1h_loader_time_idx ON signals_rollup_1h (loader_code, bucket_start);

CREATE TABLE signals_rollup_1d (LIKE signals_rollup_1m INCLUDING DEFAULTS,
                                PRIMARY KEY (loader_code, segment_code, bucket_start));
CREATE INDEX signals_rollup_1d_loader_time_idx ON signals_rollup_1d (loader_code, bucket_start);

-- Which segments a loader has and the time span of each: lets raw queries of a
-- single-segment loader skip the cross-segment combine, and lists segments for the UI.
CREATE TABLE signals_series (
    loader_code  text        NOT NULL,
    segment_code text        NOT NULL,
    first_ts     timestamptz NOT NULL,
    last_ts      timestamptz NOT NULL,
    PRIMARY KEY (loader_code, segment_code)
);

-- Per-loader data version, bumped in the ingest transaction whenever a point is added or
-- changed. Cached query answers are keyed by it, so a commit makes older answers unreachable.
CREATE TABLE signals_versions (
    loader_code text        PRIMARY KEY,
    version     bigint      NOT NULL DEFAULT 1,
    changed_at  timestamptz NOT NULL DEFAULT now()
);

-- Existing months of signals_history get their 1m-rollup partitions (0030 created none
-- by default, but a database migrated and used before this file may have some).
DO $$
DECLARE
    part record;
    lo timestamptz;
BEGIN
    FOR part IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'signals_history'
    LOOP
        lo := make_timestamptz(substr(part.relname, 18, 4)::int, substr(part.relname, 23, 2)::int, 1, 0, 0, 0, 'UTC');
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF signals_rollup_1m FOR VALUES FROM (%L) TO (%L)',
                       replace(part.relname, 'signals_history', 'signals_rollup_1m'), lo, lo + interval '1 month');
    END LOOP;
END $$;

-- Rebuild the rollups of rows stored before this migration (none on a fresh database).
INSERT INTO signals_rollup_1m (loader_code, segment_code, bucket_start, points, rec_count, max_val_sum, max_val_cnt, max_val_min, max_val_max, min_val_sum, min_val_cnt, min_val_min, min_val_max, avg_val_sum, avg_val_cnt, avg_val_min, avg_val_max, sum_val_sum, sum_val_cnt, sum_val_min, sum_val_max)
SELECT loader_code, segment_code, date_trunc('minute', load_time_stamp, 'UTC'),
       count(*), sum(rec_count), coalesce(sum(max_val), 0), count(max_val), min(max_val), max(max_val), coalesce(sum(min_val), 0), count(min_val), min(min_val), max(min_val), coalesce(sum(avg_val), 0), count(avg_val), min(avg_val), max(avg_val), coalesce(sum(sum_val), 0), count(sum_val), min(sum_val), max(sum_val)
FROM signals_history GROUP BY 1, 2, 3;
INSERT INTO signals_rollup_1h (loader_code, segment_code, bucket_start, points, rec_count, max_val_sum, max_val_cnt, max_val_min, max_val_max, min_val_sum, min_val_cnt, min_val_min, min_val_max, avg_val_sum, avg_val_cnt, avg_val_min, avg_val_max, sum_val_sum, sum_val_cnt, sum_val_min, sum_val_max)
SELECT loader_code, segment_code, date_trunc('hour', bucket_start, 'UTC'),
       sum(points), sum(rec_count), sum(max_val_sum), sum(max_val_cnt), min(max_val_min), max(max_val_max), sum(min_val_sum), sum(min_val_cnt), min(min_val_min), max(min_val_max), sum(avg_val_sum), sum(avg_val_cnt), min(avg_val_min), max(avg_val_max), sum(sum_val_sum), sum(sum_val_cnt), min(sum_val_min), max(sum_val_max)
FROM signals_rollup_1m GROUP BY 1, 2, 3;
INSERT INTO signals_rollup_1d (loader_code, segment_code, bucket_start, points, rec_count, max_val_sum, max_val_cnt, max_val_min, max_val_max, min_val_sum, min_val_cnt, min_val_min, min_val_max, avg_val_sum, avg_val_cnt, avg_val_min, avg_val_max, sum_val_sum, sum_val_cnt, sum_val_min, sum_val_max)
SELECT loader_code, segment_code, date_trunc('day', bucket_start, 'UTC'),
       sum(points), sum(rec_count), sum(max_val_sum), sum(max_val_cnt), min(max_val_min), max(max_val_max), sum(min_val_sum), sum(min_val_cnt), min(min_val_min), max(min_val_max), sum(avg_val_sum), sum(avg_val_cnt), min(avg_val_min), max(avg_val_max), sum(sum_val_sum), sum(sum_val_cnt), min(sum_val_min), max(sum_val_max)
FROM signals_rollup_1h GROUP BY 1, 2, 3;
INSERT INTO signals_series (loader_code, segment_code, first_ts, last_ts)
SELECT loader_code, segment_code, min(load_time_stamp), max(load_time_stamp) FROM signals_history GROUP BY 1, 2;
INSERT INTO signals_versions (loader_code) SELECT DISTINCT loader_code FROM signals_series;
