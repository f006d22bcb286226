"""PostgreSQL adapter (psycopg 3 + pool). The only module that imports psycopg.

Repositories receive a `Database` and run SQL through `Session` objects, which are
transactions: everything inside one `with db.session()` commits or rolls back together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from vigil import errors

Row = dict[str, Any]

UniqueViolation = psycopg.errors.UniqueViolation
DatabaseError = psycopg.Error


def json(value: Any) -> Jsonb:
    """Wrap a value for a jsonb parameter."""
    return Jsonb(value)


class Session:
    """One transaction on one connection."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self._conn = conn

    def fetch_one(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Row | None:
        with self._conn.cursor(row_factory=dict_row) as cur:
            cur.execute(sql, params)  # type: ignore[arg-type]
            return cur.fetchone()

    def fetch_all(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[Row]:
        with self._conn.cursor(row_factory=dict_row) as cur:
            cur.execute(sql, params)  # type: ignore[arg-type]
            return cur.fetchall()

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        with self._conn.cursor() as cur:
            cur.execute(sql, params)  # type: ignore[arg-type]
            row = cur.fetchone()
            return None if row is None else row[0]

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> int:
        with self._conn.cursor() as cur:
            cur.execute(sql, params)  # type: ignore[arg-type]
            return cur.rowcount

    def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._conn.cursor() as cur:
            cur.executemany(sql, rows)  # type: ignore[arg-type]

    def copy_rows(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
        *, types: Sequence[str] | None = None,
    ) -> None:
        """Bulk load with COPY; `table` and `columns` are trusted identifiers from our code.

        With `types` (PostgreSQL type names, one per column) the binary format is used,
        several times faster for numbers and timestamps.
        """
        cols = ", ".join(columns)
        fmt = " (FORMAT BINARY)" if types else ""
        with self._conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN{fmt}") as copy:
            if types:
                copy.set_types(list(types))
            for row in rows:
                copy.write_row(row)

    def fetch_one_binary(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> tuple | None:
        """One row in PostgreSQL's binary format: bytea arrives as bytes without hex decoding,
        for callers that pack millions of values into a few bytea aggregates (numpy decode)."""
        with self._conn.cursor(binary=True) as cur:
            cur.execute(sql, params)  # type: ignore[arg-type]
            return cur.fetchone()

    def run_script(self, sql: str) -> None:
        """Execute a multi-statement script (migrations)."""
        self._conn.execute(sql)  # type: ignore[arg-type]

    def advisory_lock(self, key: int) -> None:
        """Transaction-scoped advisory lock, released at commit/rollback."""
        self.execute("SELECT pg_advisory_xact_lock(%s)", (key,))


class Database:
    def __init__(
        self,
        url: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        statement_timeout_ms: int = 30000,
    ) -> None:
        self.url = url
        self._pool = ConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            kwargs={"options": f"-c statement_timeout={statement_timeout_ms} -c TimeZone=UTC"},
            open=True,
            name="vigil",
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        try:
            with self._pool.connection() as conn, conn.transaction():
                yield Session(conn)
        except psycopg.OperationalError as exc:
            raise errors.DependencyUnavailable(f"database unavailable: {exc}") from exc

    # Single-statement conveniences, each its own transaction.
    def fetch_one(self, sql: str, params: Any = None) -> Row | None:
        with self.session() as s:
            return s.fetch_one(sql, params)

    def fetch_all(self, sql: str, params: Any = None) -> list[Row]:
        with self.session() as s:
            return s.fetch_all(sql, params)

    def scalar(self, sql: str, params: Any = None) -> Any:
        with self.session() as s:
            return s.scalar(sql, params)

    def execute(self, sql: str, params: Any = None) -> int:
        with self.session() as s:
            return s.execute(sql, params)

    def ping(self) -> bool:
        try:
            return self.scalar("SELECT 1") == 1
        except Exception:  # noqa: BLE001 - health checks report, never raise
            return False

    def close(self) -> None:
        self._pool.close()


def admin_execute(url: str, statements: Sequence[str]) -> None:
    """Run statements outside a transaction (CREATE/DROP DATABASE) on a one-off connection."""
    with psycopg.connect(url, autocommit=True) as conn:
        for stmt in statements:
            conn.execute(stmt)  # type: ignore[arg-type]


def can_connect(url: str, timeout: float = 2.0) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=max(1, int(timeout))) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def with_database(url: str, dbname: str) -> str:
    """The same server URL pointing at another database."""
    info: dict[str, Any] = dict(psycopg.conninfo.conninfo_to_dict(url))
    info["dbname"] = dbname
    return psycopg.conninfo.make_conninfo("", **info)


_db: Database | None = None


def get_database() -> Database:
    global _db
    if _db is None:
        from vigil.settings import get_settings

        s = get_settings()
        if not s.database_url:
            raise errors.DependencyUnavailable("DATABASE_URL is not configured")
        _db = Database(
            s.database_url,
            min_size=s.db_pool_min,
            max_size=s.db_pool_max,
            statement_timeout_ms=s.db_statement_timeout_ms,
        )
    return _db


def reset() -> None:
    """Close the shared pool (after settings change, at shutdown)."""
    global _db
    if _db is not None:
        _db.close()
        _db = None
