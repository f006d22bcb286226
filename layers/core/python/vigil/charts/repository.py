"""SQL for chart definitions."""

from __future__ import annotations

from typing import Any

from vigil import db as db_adapter
from vigil.db import Row, Session
from vigil.querying import Where, page

_COLS = ("id::text AS id, name, chart_type, is_template, parent_id::text AS parent_id, definition, "
         "version, created_by, created_at, updated_by, updated_at")


def get(s: Session, chart_id: str, *, for_update: bool = False) -> Row | None:
    lock = " FOR UPDATE" if for_update else ""
    return s.fetch_one(f"SELECT {_COLS} FROM charts WHERE id = %s{lock}", (chart_id,))


def stored_definition(s: Session, chart_id: str) -> dict[str, Any] | None:
    row = s.fetch_one("SELECT definition FROM charts WHERE id = %s", (chart_id,))
    return None if row is None else row["definition"]


def insert(s: Session, *, definition: dict[str, Any], author: str, chart_id: str | None = None) -> Row:
    row = s.fetch_one(
        f"INSERT INTO charts (id, name, chart_type, is_template, parent_id, definition, created_by, updated_by) "
        f"VALUES (coalesce(%s::uuid, gen_random_uuid()), %s, %s, %s, %s, %s, %s, %s) RETURNING {_COLS}",
        (chart_id, definition["chartName"], definition.get("chartType"), definition.get("isTemplate", False),
         definition.get("extends"), db_adapter.json(definition), author, author),
    )
    assert row is not None
    return row


def update(s: Session, chart_id: str, *, definition: dict[str, Any], author: str) -> Row:
    row = s.fetch_one(
        f"UPDATE charts SET name = %s, chart_type = %s, is_template = %s, parent_id = %s, definition = %s, "
        f"version = version + 1, updated_by = %s, updated_at = now() WHERE id = %s RETURNING {_COLS}",
        (definition["chartName"], definition.get("chartType"), definition.get("isTemplate", False),
         definition.get("extends"), db_adapter.json(definition), author, chart_id),
    )
    assert row is not None
    return row


def search(s: Session, *, q: str | None, template: bool | None, chart_type: str | None,
           limit: int, offset: int) -> tuple[list[Row], int]:
    where = Where().equals("is_template", template).equals("chart_type", chart_type)
    if q:
        where.add("(search @@ plainto_tsquery('simple', %s) OR name ILIKE %s)", q, f"%{q}%")
    return page(s, select=_COLS, source="charts", where=where, order_by="updated_at DESC, id", limit=limit,
                offset=offset)


def dependents(s: Session, chart_id: str) -> list[dict[str, str]]:
    """Everything that would break if the chart went away."""
    found = [
        {"type": "dashboard", "id": r["id"], "name": r["name"]}
        for r in s.fetch_all(
            "SELECT d.id::text AS id, d.name FROM dashboard_charts dc JOIN dashboards d ON d.id = dc.dashboard_id "
            "WHERE dc.chart_id = %s ORDER BY d.name", (chart_id,))
    ]
    found += [
        {"type": "chart", "id": r["id"], "name": r["name"]}
        for r in s.fetch_all("SELECT id::text AS id, name FROM charts WHERE parent_id = %s ORDER BY name",
                             (chart_id,))
    ]
    if s.scalar("SELECT to_regclass('alert_rules') IS NOT NULL"):
        found += [
            {"type": "alertRule", "id": r["id"], "name": r["name"]}
            for r in s.fetch_all("SELECT id::text AS id, rule_name AS name FROM alert_rules "
                                 "WHERE chart_id = %s ORDER BY rule_name", (chart_id,))
        ]
    return found


def delete(s: Session, chart_id: str) -> None:
    s.execute("DELETE FROM charts WHERE id = %s", (chart_id,))


def loader_exists(s: Session, loader_code: str) -> bool:
    """A loader is known when it is defined, or when signals were pushed for it (bulk API)."""
    if s.scalar("SELECT EXISTS (SELECT 1 FROM signals_history WHERE loader_code = %s)", (loader_code,)):
        return True
    if not s.scalar("SELECT to_regclass('loaders') IS NOT NULL"):
        return False
    return bool(s.scalar("SELECT EXISTS (SELECT 1 FROM loaders WHERE loader_code = %s)", (loader_code,)))
