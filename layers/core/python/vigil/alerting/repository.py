"""SQL for rules, their per-series state, alerts, evaluations and silences."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from vigil import db as db_adapter
from vigil.db import Row, Session
from vigil.querying import Where, page

RULE_COLS = ("r.id::text AS id, r.rule_name, r.chart_id::text AS chart_id, r.loader_code, r.severity, r.status, "
             "r.definition, r.labels, r.interval_seconds, r.next_evaluation_at, r.version, r.created_by, "
             "r.created_at, r.updated_at")
ALERT_COLS = ("id::text AS alert_id, rule_id::text AS rule_id, rule_name, series_key, loader_code, segment_code, "
              "severity, status, triggered_at, resolved_at, current_value, threshold, labels, "
              "chart_id::text AS chart_id, payload, acknowledged_by, acknowledged_at")


# -- rules --------------------------------------------------------------------------------

def insert_rule(s: Session, *, definition: dict[str, Any], interval: int, author: str) -> Row:
    row = s.fetch_one(
        "INSERT INTO alert_rules (rule_name, chart_id, loader_code, severity, definition, labels, "
        "interval_seconds, created_by) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id::text AS id",
        (definition["ruleName"], definition["chartId"], definition["loaderCode"], definition["severity"],
         db_adapter.json(definition), db_adapter.json(definition.get("labels", {})), interval, author),
    )
    assert row is not None
    return get_rule(s, row["id"]) or row


def update_rule(s: Session, rule_id: str, *, definition: dict[str, Any], interval: int) -> None:
    s.execute(
        "UPDATE alert_rules SET rule_name = %s, chart_id = %s, loader_code = %s, severity = %s, definition = %s, "
        "labels = %s, interval_seconds = %s, version = version + 1, updated_at = now(), next_evaluation_at = now() "
        "WHERE id = %s",
        (definition["ruleName"], definition["chartId"], definition["loaderCode"], definition["severity"],
         db_adapter.json(definition), db_adapter.json(definition.get("labels", {})), interval, rule_id),
    )


def set_status(s: Session, rule_id: str, status: str) -> None:
    s.execute("UPDATE alert_rules SET status = %s, updated_at = now(), next_evaluation_at = now() "
              "WHERE id = %s", (status, rule_id))


def get_rule(s: Session, rule_id: str, *, for_update: bool = False) -> Row | None:
    lock = " FOR UPDATE" if for_update else ""
    return s.fetch_one(f"SELECT {RULE_COLS} FROM alert_rules r WHERE r.id = %s{lock}", (rule_id,))


def delete_rule(s: Session, rule_id: str) -> None:
    s.execute("DELETE FROM alert_rules WHERE id = %s", (rule_id,))


def search_rules(s: Session, *, q: str | None, status: str | None, severity: str | None,
                 loader_code: str | None, chart_id: str | None, limit: int, offset: int) -> tuple[list[Row], int]:
    where = (Where().contains(["r.rule_name"], q).equals("r.severity", severity)
             .equals("r.loader_code", loader_code).equals("r.chart_id::text", chart_id))
    if status == "FIRING":
        where.add("EXISTS (SELECT 1 FROM alert_rule_states st WHERE st.rule_id = r.id AND st.state = 'FIRING')")
    else:
        where.equals("r.status", status)
    return page(s, select=RULE_COLS, source="alert_rules r", where=where, order_by="lower(r.rule_name), r.id",
                limit=limit, offset=offset)


def due_rules(s: Session, now: datetime, limit: int) -> list[Row]:
    """Active rules whose next evaluation is due; rows locked by another evaluator are skipped."""
    return s.fetch_all(
        f"SELECT {RULE_COLS} FROM alert_rules r WHERE r.status = 'ACTIVE' AND r.next_evaluation_at <= %s "
        "ORDER BY r.next_evaluation_at LIMIT %s FOR UPDATE SKIP LOCKED", (now, limit))


def schedule_next(s: Session, rows: Sequence[tuple[str, datetime]]) -> None:
    """Move many rules' next evaluation in one statement."""
    if rows:
        s.execute("UPDATE alert_rules r SET next_evaluation_at = v.at FROM "
                  "(SELECT unnest(%s::uuid[]) AS id, unnest(%s::timestamptz[]) AS at) v WHERE r.id = v.id",
                  ([rid for rid, _ in rows], [at for _, at in rows]))


# -- per-series state ---------------------------------------------------------------------

def states_for(s: Session, rule_ids: Sequence[str]) -> dict[tuple[str, str], Row]:
    if not rule_ids:
        return {}
    rows = s.fetch_all(
        "SELECT rule_id::text AS rule_id, series_key, state, since, last_triggered_at, alert_id::text AS alert_id, "
        "last_value, evaluated_at FROM alert_rule_states WHERE rule_id = ANY(%s::uuid[])", (list(rule_ids),))
    return {(r["rule_id"], r["series_key"]): r for r in rows}


def upsert_states(s: Session, rows: Iterable[tuple[Any, ...]]) -> None:
    """(rule_id, series_key, state, since, last_triggered_at, alert_id, last_value, evaluated_at)"""
    s.execute_many(
        "INSERT INTO alert_rule_states (rule_id, series_key, state, since, last_triggered_at, alert_id, last_value, "
        "evaluated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (rule_id, series_key) DO UPDATE SET "
        "state = EXCLUDED.state, since = EXCLUDED.since, last_triggered_at = EXCLUDED.last_triggered_at, "
        "alert_id = EXCLUDED.alert_id, last_value = EXCLUDED.last_value, evaluated_at = EXCLUDED.evaluated_at",
        list(rows))


def rule_states(s: Session, rule_id: str) -> list[Row]:
    return s.fetch_all(
        "SELECT series_key, state, since, last_value, evaluated_at, alert_id::text AS alert_id "
        "FROM alert_rule_states WHERE rule_id = %s ORDER BY series_key", (rule_id,))


# -- evaluations --------------------------------------------------------------------------

EVALUATION_COLUMNS = ("rule_id", "series_key", "evaluated_at", "state", "candidate", "value", "score",
                      "held_seconds", "silenced", "action", "details", "duration_ms")


def record_evaluations(s: Session, rows: Iterable[Sequence[Any]]) -> None:
    s.copy_rows("alert_evaluations", EVALUATION_COLUMNS, rows)


def evaluations(s: Session, rule_id: str, *, limit: int, offset: int) -> tuple[list[Row], int]:
    total = int(s.scalar("SELECT count(*) FROM alert_evaluations WHERE rule_id = %s", (rule_id,)))
    rows = s.fetch_all(
        f"SELECT {', '.join(EVALUATION_COLUMNS[1:])} FROM alert_evaluations WHERE rule_id = %s "
        "ORDER BY evaluated_at DESC, id DESC LIMIT %s OFFSET %s", (rule_id, limit, offset))
    return rows, total


def purge_evaluations(s: Session, before: datetime) -> int:
    return s.execute("DELETE FROM alert_evaluations WHERE evaluated_at < %s", (before,))


# -- alerts -------------------------------------------------------------------------------

def open_alert(s: Session, *, alert_id: str, alert: dict[str, Any]) -> bool:
    """Insert a FIRING alert; False when one is already open for the rule and series."""
    row = s.fetch_one(
        "INSERT INTO alerts (id, rule_id, rule_name, series_key, loader_code, segment_code, severity, status, "
        "triggered_at, current_value, threshold, labels, chart_id, payload) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, 'FIRING', %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (rule_id, series_key) WHERE status = 'FIRING' DO NOTHING RETURNING id",
        (alert_id, alert["ruleId"], alert["ruleName"], alert["seriesKey"], alert["loaderCode"],
         alert.get("segmentCode"), alert["severity"], alert["triggeredAt"], alert.get("currentValue"),
         alert.get("threshold"), db_adapter.json(alert.get("labels", {})), alert.get("chartId"),
         db_adapter.json(alert["payload"])),
    )
    return row is not None


def close_alert(s: Session, alert_id: str, resolved_at: datetime) -> Row | None:
    return s.fetch_one(
        f"UPDATE alerts SET status = 'RESOLVED', resolved_at = %s WHERE id = %s AND status = 'FIRING' "
        f"RETURNING {ALERT_COLS}", (resolved_at, alert_id))


def get_alert(s: Session, alert_id: str, *, for_update: bool = False) -> Row | None:
    lock = " FOR UPDATE" if for_update else ""
    return s.fetch_one(f"SELECT {ALERT_COLS} FROM alerts WHERE id = %s{lock}", (alert_id,))


def acknowledge(s: Session, alert_id: str, *, by: str, at: datetime) -> Row | None:
    return s.fetch_one(
        f"UPDATE alerts SET acknowledged_by = %s, acknowledged_at = %s WHERE id = %s RETURNING {ALERT_COLS}",
        (by, at, alert_id))


def search_alerts(s: Session, *, rule_id: str | None, severity: str | None, status: str | None,
                  loader_code: str | None, since: datetime | None, until: datetime | None,
                  acknowledged: bool | None, limit: int, offset: int) -> tuple[list[Row], int]:
    where = (Where().equals("rule_id::text", rule_id).equals("severity", severity).equals("status", status)
             .equals("loader_code", loader_code).at_least("triggered_at", since))
    if until is not None:
        where.add("triggered_at <= %s", until)
    if acknowledged is not None:
        where.add("acknowledged_at IS NOT NULL" if acknowledged else "acknowledged_at IS NULL")
    return page(s, select=ALERT_COLS, source="alerts", where=where, order_by="triggered_at DESC, id", limit=limit,
                offset=offset)


# -- silences -----------------------------------------------------------------------------

SILENCE_COLS = ("id::text AS id, rule_id::text AS rule_id, loader_code, labels, starts_at, ends_at, reason, "
                "created_by, created_at, (starts_at <= now() AND ends_at > now()) AS active")


def insert_silence(s: Session, *, rule_id: str | None, loader_code: str | None, labels: dict[str, str],
                   starts_at: datetime, ends_at: datetime, reason: str, author: str) -> Row:
    row = s.fetch_one(
        f"INSERT INTO alert_silences (rule_id, loader_code, labels, starts_at, ends_at, reason, created_by) "
        f"VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING {SILENCE_COLS}",
        (rule_id, loader_code, db_adapter.json(labels), starts_at, ends_at, reason, author))
    assert row is not None
    return row


def silences_overlapping(s: Session, start: datetime, end: datetime) -> list[Row]:
    return s.fetch_all(f"SELECT {SILENCE_COLS} FROM alert_silences WHERE starts_at < %s AND ends_at > %s",
                       (end, start))


def search_silences(s: Session, *, active: bool | None, rule_id: str | None, limit: int,
                    offset: int) -> tuple[list[Row], int]:
    where = Where().equals("rule_id::text", rule_id)
    if active is not None:
        now_on = "(starts_at <= now() AND ends_at > now())"
        where.add(now_on if active else f"NOT {now_on}")
    return page(s, select=SILENCE_COLS, source="alert_silences", where=where, order_by="starts_at DESC",
                limit=limit, offset=offset)


def get_silence(s: Session, silence_id: str) -> Row | None:
    return s.fetch_one(f"SELECT {SILENCE_COLS} FROM alert_silences WHERE id = %s", (silence_id,))


def delete_silence(s: Session, silence_id: str) -> None:
    s.execute("DELETE FROM alert_silences WHERE id = %s", (silence_id,))
