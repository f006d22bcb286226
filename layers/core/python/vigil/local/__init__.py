"""The local runtime: every Chalice app, its schedules and queue consumers on one machine,
with embedded PostgreSQL, Redis and moto where nothing else is configured."""
