"""Demo seed: a source pointing at the platform's own PostgreSQL through a dedicated read-only
role (so it is compliant), demo loaders whose SQL synthesises realistic values for the current
minute, and ~30 days of 5-minute history written through `ingest()` so charts and alerts have
data on first start.

The values: a daily cycle (peak mid-afternoon UTC), +-10 % noise, and a rare spike (x3 volume
for payments, x4 latency for logins). Every step is idempotent; the backfill runs only while a
demo loader has no history older than a day.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from vigil import crypto, sourcedb
from vigil.db import Database, DatabaseError
from vigil.loaders import compliance, sql_contract
from vigil.loaders import repository as repo
from vigil.logging import get_logger
from vigil.signals.ingest import ingest

log = get_logger(__name__)

SOURCE_NAME = "Demo: platform database"
LIVE = "(SELECT date_trunc('minute', now())) AS t(ts)"
BACKFILL = ("generate_series(date_trunc('minute', now()) - interval '30 days', "
            "date_trunc('minute', now()) - interval '5 minutes', interval '5 minutes') AS t(ts)")

PAYMENTS_SQL = """
SELECT ts AS load_time_stamp, seg AS segment_code,
       greatest(0, round(n))::bigint AS rec_count,
       round((n * amount)::numeric, 2) AS sum_val,
       round(amount::numeric, 2) AS avg_val,
       round((amount * 4.2)::numeric, 2) AS max_val,
       round((amount * 0.05)::numeric, 2) AS min_val
FROM (
  SELECT ts, seg,
         base * (1 + 0.6 * sin(2 * pi() * (extract(epoch FROM ts) / 3600 - 8) / 24))
              * (0.9 + random() * 0.2)
              * CASE WHEN random() < 0.003 THEN 3 ELSE 1 END AS n,
         ticket * (0.95 + random() * 0.1) AS amount
  FROM {series}, (VALUES ('CARD', 120.0, 42.0), ('WALLET', 45.0, 18.0)) AS v(seg, base, ticket)
) AS x
"""

LOGINS_SQL = """
SELECT ts AS load_time_stamp, 'ALL' AS segment_code,
       greatest(0, round(n))::bigint AS rec_count,
       round(latency::numeric, 1) AS avg_val,
       round((latency * 3)::numeric, 1) AS max_val,
       round((latency * 0.3)::numeric, 1) AS min_val,
       round((n * latency)::numeric, 1) AS sum_val
FROM (
  SELECT ts,
         300 * (1 + 0.7 * sin(2 * pi() * (extract(epoch FROM ts) / 3600 - 9) / 24)) * (0.9 + random() * 0.2) AS n,
         180 * (0.9 + random() * 0.2) * CASE WHEN random() < 0.003 THEN 4 ELSE 1 END AS latency
  FROM {series}
) AS x
"""

LOADERS: list[dict[str, Any]] = [
    {"loader_code": "DEMO_PAYMENTS", "sql": PAYMENTS_SQL, "segments": ["CARD", "WALLET"]},
    {"loader_code": "DEMO_LOGINS", "sql": LOGINS_SQL, "segments": []},
]
SEGMENTS = {"CARD": "Card payments", "WALLET": "Wallet payments"}


def role_name(database: str) -> str:
    """One demo reader per platform database, so test runs on one server never collide."""
    return "vigil_demo_ro_" + hashlib.sha256(database.encode()).hexdigest()[:10]


def seed(db: Database, *, database_url: str, connect_timeout: int) -> None:
    source_id = _ensure_source(db, database_url=database_url, connect_timeout=connect_timeout)
    with db.session() as s:
        for code, description in SEGMENTS.items():
            if repo.get_segment(s, code) is None:
                repo.insert_segment(s, code=code, description=description)
        if source_id is not None:
            for spec in LOADERS:
                if repo.get_loader(s, spec["loader_code"]) is None:
                    sql = spec["sql"].format(series=LIVE).strip()
                    sql_contract.validate_sql(sql)
                    repo.insert_loader(s, {
                        "loader_code": spec["loader_code"], "source_database_id": source_id,
                        "loader_sql_enc": crypto.encrypt(sql, context=repo.LOADER_SQL.context),
                        "interval_seconds": 60, "max_parallelism": 1, "segments": spec["segments"],
                        "timeout_seconds": 10, "enabled": True,
                    })
    for spec in LOADERS:
        backfill(db, loader_code=spec["loader_code"], sql=spec["sql"], segments=spec["segments"])


def _ensure_source(db: Database, *, database_url: str, connect_timeout: int) -> str | None:
    with db.session() as s:
        found = s.fetch_one("SELECT id::text AS id FROM source_databases WHERE name = %s", (SOURCE_NAME,))
    if found:
        return str(found["id"])
    target = sourcedb.parse_postgres_url(database_url)
    role, password = role_name(target["dbname"]), secrets.token_urlsafe(18)  # [A-Za-z0-9_-] only
    try:
        with db.session() as s:
            exists = s.scalar("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
            verb = "ALTER" if exists else "CREATE"
            s.execute(f"{verb} ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{password}'")
            s.execute(f'GRANT CONNECT ON DATABASE "{target["dbname"]}" TO {role}')
    except DatabaseError as exc:
        # A platform account without CREATEROLE: demo history still gets written below.
        log.warning("demo source skipped: cannot create its read-only role", extra={"error": str(exc)})
        return None
    cfg = sourcedb.SourceConfig(type=sourcedb.POSTGRESQL, host=target["host"], port=target["port"],
                                db_name=target["dbname"], user_name=role, password=password)
    report = compliance.inspect(cfg, connect_timeout=connect_timeout)
    with db.session() as s:
        row = repo.insert_source(s, {
            "name": SOURCE_NAME, "type": cfg.type, "host": cfg.host, "port": cfg.port, "db_name": cfg.db_name,
            "user_name": role, "password_enc": crypto.encrypt(password, context=repo.SOURCE_PASSWORD.context),
            "options": {}, "read_only_compliant": report.compliant,
            "compliance_findings": [f.as_dict() for f in report.findings],
            "compliance_checked_at": datetime.now(UTC),
        })
    return str(row["id"])


def backfill(db: Database, *, loader_code: str, sql: str, segments: list[str]) -> int:
    """Write ~30 days of 5-minute history unless the loader already has old history."""
    with db.session() as s:
        has_history = s.scalar("SELECT EXISTS (SELECT 1 FROM signals_history WHERE loader_code = %s "
                               "AND load_time_stamp < now() - interval '1 day')", (loader_code,))
        if has_history:
            return 0
        rows = s.fetch_all(sql.format(series=BACKFILL))
    columns = list(rows[0].keys()) if rows else []
    conv = sql_contract.to_points(loader_code=loader_code, columns=columns,
                                  rows=[tuple(r.values()) for r in rows], segments=segments)
    written = ingest(db, conv.points)
    log.info("demo history written", extra={"loader": loader_code, "points": written})
    return written
