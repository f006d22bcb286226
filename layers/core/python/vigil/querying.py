"""Filtered, paged reads: a WHERE clause that grows with its parameters, and one function that
returns a page of rows with the total count. Column names come from our code, never input."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from vigil.db import Row, Session


@dataclass
class Where:
    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> Where:
        self.clauses.append(clause)
        self.params.extend(params)
        return self

    def equals(self, column: str, value: Any) -> Where:
        """`column = value`, unless value is None or empty (the filter was not asked for)."""
        return self if value is None or value == "" else self.add(f"{column} = %s", value)

    def contains(self, columns: Sequence[str], text: str | None) -> Where:
        """Case-insensitive substring match in any of `columns`."""
        if not text:
            return self
        return self.add("(" + " OR ".join(f"{c} ILIKE %s" for c in columns) + ")", *[f"%{text}%"] * len(columns))

    def at_least(self, column: str, value: Any) -> Where:
        return self if value is None else self.add(f"{column} >= %s", value)

    def before(self, column: str, value: Any) -> Where:
        return self if value is None else self.add(f"{column} < %s", value)

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses) or "true"


def page(s: Session, *, select: str, source: str, where: Where, order_by: str, limit: int,
         offset: int) -> tuple[list[Row], int]:
    """One page of `SELECT {select} FROM {source} WHERE ... ORDER BY ...` and the total count."""
    total = int(s.scalar(f"SELECT count(*) FROM {source} WHERE {where.sql}", where.params))
    rows = s.fetch_all(f"SELECT {select} FROM {source} WHERE {where.sql} ORDER BY {order_by} LIMIT %s OFFSET %s",
                       (*where.params, limit, offset))
    return rows, total
