"""SQL for dashboards and their chart links."""

from __future__ import annotations

from typing import Any

from vigil import db as db_adapter
from vigil.db import Row, Session
from vigil.querying import Where, page

_COLS = "id::text AS id, name, definition, version, created_by, created_at, updated_by, updated_at"


def get(s: Session, dashboard_id: str, *, for_update: bool = False) -> Row | None:
    lock = " FOR UPDATE" if for_update else ""
    return s.fetch_one(f"SELECT {_COLS} FROM dashboards WHERE id = %s{lock}", (dashboard_id,))


def insert(s: Session, *, definition: dict[str, Any], author: str, dashboard_id: str | None = None) -> Row:
    row = s.fetch_one(
        f"INSERT INTO dashboards (id, name, definition, created_by, updated_by) "
        f"VALUES (coalesce(%s::uuid, gen_random_uuid()), %s, %s, %s, %s) RETURNING {_COLS}",
        (dashboard_id, definition["name"], db_adapter.json(definition), author, author),
    )
    assert row is not None
    _link(s, row["id"], definition)
    return row


def update(s: Session, dashboard_id: str, *, definition: dict[str, Any], author: str) -> Row:
    row = s.fetch_one(
        f"UPDATE dashboards SET name = %s, definition = %s, version = version + 1, updated_by = %s, "
        f"updated_at = now() WHERE id = %s RETURNING {_COLS}",
        (definition["name"], db_adapter.json(definition), author, dashboard_id),
    )
    assert row is not None
    _link(s, dashboard_id, definition)
    return row


def _link(s: Session, dashboard_id: str, definition: dict[str, Any]) -> None:
    s.execute("DELETE FROM dashboard_charts WHERE dashboard_id = %s", (dashboard_id,))
    for chart_id in sorted({c["chartId"] for c in definition.get("charts", [])}):
        s.execute("INSERT INTO dashboard_charts (dashboard_id, chart_id) VALUES (%s, %s)", (dashboard_id, chart_id))


def delete(s: Session, dashboard_id: str) -> None:
    s.execute("DELETE FROM dashboards WHERE id = %s", (dashboard_id,))


def search(s: Session, *, q: str | None, limit: int, offset: int) -> tuple[list[Row], int]:
    where = Where().contains(["name", "coalesce(definition->>'description', '')"], q)
    return page(s, select=_COLS, source="dashboards", where=where, order_by="lower(name), id", limit=limit,
                offset=offset)


def existing_charts(s: Session, chart_ids: list[str]) -> set[str]:
    if not chart_ids:
        return set()
    rows = s.fetch_all("SELECT id::text AS id FROM charts WHERE id = ANY(%s::uuid[])", (chart_ids,))
    return {r["id"] for r in rows}
