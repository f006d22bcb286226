-- Run history is pruned by age (LOADER_EXECUTION_RETENTION_DAYS) on every schedule tick.
CREATE INDEX loader_executions_started_idx ON loader_executions (started_at);
