"""Immutable versions of a definition (charts, dashboards), their listing and a readable diff.

Each versioned entity has a table `<kind>s` with `definition` and `version` columns and a
table `<kind>_versions(entity_id, version, definition, author, created_at, message)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vigil import db as db_adapter
from vigil import errors
from vigil.db import Database, Row, Session


@dataclass(frozen=True)
class VersionStore:
    entity_table: str  # "charts" / "dashboards" — trusted identifiers from our code
    versions_table: str
    kind: str  # for messages: "chart" / "dashboard"

    def record(self, s: Session, *, entity_id: str, version: int, definition: dict[str, Any],
               author: str, message: str | None) -> None:
        s.execute(
            f"INSERT INTO {self.versions_table} (entity_id, version, definition, author, message) "
            "VALUES (%s, %s, %s, %s, %s)",
            (entity_id, version, db_adapter.json(definition), author, message),
        )

    def listing(self, s: Session, entity_id: str, *, limit: int, offset: int) -> tuple[list[Row], int]:
        total = s.scalar(f"SELECT count(*) FROM {self.versions_table} WHERE entity_id = %s", (entity_id,))
        rows = s.fetch_all(
            f"SELECT version, author, created_at, message FROM {self.versions_table} "
            "WHERE entity_id = %s ORDER BY version DESC LIMIT %s OFFSET %s",
            (entity_id, limit, offset),
        )
        return rows, int(total)

    def get(self, s: Session, entity_id: str, version: int) -> Row:
        row = s.fetch_one(
            f"SELECT version, author, created_at, message, definition FROM {self.versions_table} "
            "WHERE entity_id = %s AND version = %s",
            (entity_id, version),
        )
        if row is None:
            raise errors.NotFound(f"{self.kind} {entity_id} has no version {version}")
        return row


    # -- whole operations, each in its own transaction ------------------------------------

    def _ensure(self, s: Session, entity_id: str) -> None:
        if not s.scalar(f"SELECT EXISTS (SELECT 1 FROM {self.entity_table} WHERE id = %s)", (entity_id,)):
            raise errors.NotFound(f"{self.kind} {entity_id} not found")

    def history(self, db: Database, entity_id: str, *, page: int, size: int) -> tuple[list[Row], int]:
        with db.session() as s:
            self._ensure(s, entity_id)
            return self.listing(s, entity_id, limit=size, offset=page * size)

    def detail(self, db: Database, entity_id: str, version: int) -> Row:
        with db.session() as s:
            self._ensure(s, entity_id)
            return self.get(s, entity_id, version)

    def compare(self, db: Database, entity_id: str, old: int, new: int) -> list[dict[str, Any]]:
        with db.session() as s:
            self._ensure(s, entity_id)
            return diff(self.get(s, entity_id, old)["definition"], self.get(s, entity_id, new)["definition"])


def diff(old: Any, new: Any, path: str = "") -> list[dict[str, Any]]:
    """Structural differences as {path, op: added|removed|changed, from, to}, in path order.

    Lists of objects with an identifying key (`chartId`, `name`) are compared by that key, so
    moving one chart on a grid reads as one change, not a cascade.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[dict[str, Any]] = []
        for key in sorted(set(old) | set(new)):
            sub = f"{path}.{key}" if path else key
            if key not in old:
                out.append({"path": sub, "op": "added", "from": None, "to": new[key]})
            elif key not in new:
                out.append({"path": sub, "op": "removed", "from": old[key], "to": None})
            else:
                out += diff(old[key], new[key], sub)
        return out
    if isinstance(old, list) and isinstance(new, list):
        key = _list_key(old, new)
        if key:
            return diff({str(i[key]): i for i in old}, {str(i[key]): i for i in new}, path)
        if len(old) == len(new):
            out = []
            for i, (a, b) in enumerate(zip(old, new, strict=True)):
                out += diff(a, b, f"{path}[{i}]")
            return out
    if old != new:
        return [{"path": path, "op": "changed", "from": old, "to": new}]
    return []


def _list_key(old: list[Any], new: list[Any]) -> str | None:
    def unique_by(items: list[Any], key: str) -> bool:
        values = [str(i.get(key)) for i in items if isinstance(i, dict) and key in i]
        return len(values) == len(items) and len(set(values)) == len(values)

    for key in ("chartId", "name", "id"):
        if (old or new) and unique_by(old, key) and unique_by(new, key):
            return key
    return None
