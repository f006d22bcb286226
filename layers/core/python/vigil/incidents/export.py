"""CSV export of incidents with the list's filters.

The csv module quotes separators, quotes and line breaks; on top of that, cells that a
spreadsheet would run as a formula (leading = + - @, tab, CR) are prefixed with a quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from vigil.db import Database
from vigil.incidents import repository as repo
from vigil.incidents.schemas import IncidentFilters

MAX_ROWS = 50_000
COLUMNS = [
    ("number", "Number"), ("id", "Id"), ("title", "Title"), ("status", "Status"),
    ("severity", "Severity"), ("loader_code", "Loader"), ("assignee", "Assignee"),
    ("source", "Source"), ("alert_count", "Alerts"), ("created_by", "Created by"),
    ("created_at", "Created at"), ("acknowledged_at", "Acknowledged at"),
    ("resolved_at", "Resolved at"), ("closed_at", "Closed at"), ("external_key", "Ticket"),
    ("description", "Description"), ("resolution_note", "Resolution note"),
    ("closure_reason", "Closure reason"),
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    text = str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([title for _, title in COLUMNS])
    for row in rows:
        writer.writerow([safe_cell(row.get(key)) for key, _ in COLUMNS])
    return buffer.getvalue()


def export(db: Database, *, filters: IncidentFilters) -> str:
    with db.session() as s:
        rows, _ = repo.search(s, filters, limit=MAX_ROWS, offset=0)
    return to_csv(rows)
