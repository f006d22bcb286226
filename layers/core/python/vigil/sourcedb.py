"""Source-database adapter: the only module that opens connections to customers' databases.

Every query runs the same guarded way, whatever its caller (a loader run, a preview, the
read-only inspection): a connect timeout, a read-only transaction, a server-side statement
timeout, and a row cap read incrementally so a runaway result never lands in memory.
PostgreSQL goes through psycopg, MySQL/MariaDB through PyMySQL.

Failures come out as two errors: `SourceUnavailable` (cannot connect, connection lost: worth
retrying) and `SourceQueryFailed` (the source refused or cancelled the query: retrying the same
SQL will not help).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg
import pymysql

from vigil import errors

POSTGRESQL = "postgresql"
MYSQL = "mysql"
DEFAULT_PORTS = {POSTGRESQL: 5432, MYSQL: 3306}


class SourceUnavailable(errors.DependencyUnavailable):
    """The source database could not be reached or dropped the connection."""

    code = "SOURCE_UNAVAILABLE"


class SourceQueryFailed(errors.ValidationFailed):
    """The source rejected, cancelled (timeout) or refused to run the query."""

    code = "SOURCE_QUERY_FAILED"


@dataclass(frozen=True)
class SourceConfig:
    type: str
    host: str
    port: int
    db_name: str
    user_name: str
    password: str = field(repr=False)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool  # the query had more rows than the cap; `rows` holds the first `cap`
    server_version: str = ""


def query(
    cfg: SourceConfig, sql: str, *, timeout_seconds: int, max_rows: int, connect_timeout: int,
) -> QueryResult:
    """Run one statement read-only and return at most `max_rows` rows."""
    if cfg.type == POSTGRESQL:
        return _pg_query(cfg, sql, timeout_seconds, max_rows, connect_timeout)
    if cfg.type == MYSQL:
        return _mysql_query(cfg, sql, timeout_seconds, max_rows, connect_timeout)
    raise errors.ValidationFailed(f"unsupported source type {cfg.type!r}")


def parse_postgres_url(url: str) -> dict[str, Any]:
    """host, port, dbname, user of a PostgreSQL URL (the demo seed points a source at us)."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    return {
        "host": str(info.get("host") or "127.0.0.1"),
        "port": int(info.get("port") or 5432),
        "dbname": str(info.get("dbname") or "postgres"),
        "user": str(info.get("user") or "postgres"),
    }


# -- PostgreSQL ----------------------------------------------------------------------------

def _pg_query(cfg: SourceConfig, sql: str, timeout: int, max_rows: int, connect_timeout: int) -> QueryResult:
    ms = int(timeout * 1000)
    # Read-only by default for the whole session, plus an explicit read-only transaction:
    # even a function with side effects cannot write. lock_timeout keeps us off the
    # customer's locks; idle_in_transaction bounds a stuck client.
    options = (f"-c statement_timeout={ms} -c lock_timeout={ms} -c default_transaction_read_only=on -c TimeZone=UTC "
               f"-c idle_in_transaction_session_timeout={ms * 2}")
    try:
        conn = psycopg.connect(
            host=cfg.host, port=cfg.port, dbname=cfg.db_name, user=cfg.user_name,
            password=cfg.password, connect_timeout=max(1, connect_timeout),
            sslmode=str(cfg.options.get("sslmode") or "prefer"), application_name="vigil-loader",
            options=options,
        )
    except psycopg.Error as exc:
        raise SourceUnavailable(f"cannot connect to the PostgreSQL source: {_pg_message(exc)}") from exc
    try:
        conn.read_only = True
        version = str(conn.info.parameter_status("server_version") or "")
        with conn.transaction():
            # A server-side cursor streams rows, so the cap is enforced without reading them all.
            with conn.cursor(name="vigil_source_query") as cur:
                cur.execute(sql)  # type: ignore[arg-type]
                columns = [d.name for d in (cur.description or [])]
                rows = [tuple(r) for r in cur.fetchmany(max_rows + 1)]
    except psycopg.errors.QueryCanceled as exc:
        raise SourceQueryFailed(f"the query was cancelled after the timeout of {timeout}s") from exc
    except psycopg.errors.ReadOnlySqlTransaction as exc:
        raise SourceQueryFailed(f"the query tried to write in a read-only transaction: {_pg_message(exc)}") from exc
    except psycopg.OperationalError as exc:
        raise SourceUnavailable(f"the PostgreSQL source dropped the connection: {_pg_message(exc)}") from exc
    except psycopg.Error as exc:
        raise SourceQueryFailed(f"the source rejected the query: {_pg_message(exc)}") from exc
    finally:
        conn.close()
    return QueryResult(columns, rows[:max_rows], len(rows) > max_rows, version)


def _pg_message(exc: psycopg.Error) -> str:
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    text = str(exc).strip()
    return (primary or (text.splitlines()[0] if text else type(exc).__name__))[:500]


# -- MySQL / MariaDB -----------------------------------------------------------------------

_MYSQL_TIMEOUT_CODES = {1969, 3024}  # MariaDB max_statement_time, MySQL max_execution_time
_MYSQL_READ_ONLY_CODES = {1792}  # cannot execute statement in a READ ONLY transaction


def _mysql_ssl(options: dict[str, Any]) -> dict[str, Any]:
    mode = options.get("sslmode") or "prefer"
    if mode == "disable":
        return {"ssl_disabled": True}
    if mode == "require":
        return {"ssl": {"check_hostname": False}, "ssl_verify_cert": False}
    if mode == "verify-ca":
        return {"ssl": {"check_hostname": False}, "ssl_verify_cert": True}
    if mode == "verify-full":
        return {"ssl": {}, "ssl_verify_cert": True, "ssl_verify_identity": True}
    return {}


def _mysql_query(cfg: SourceConfig, sql: str, timeout: int, max_rows: int, connect_timeout: int) -> QueryResult:
    try:
        conn = pymysql.connect(
            host=cfg.host, port=cfg.port, user=cfg.user_name, password=cfg.password,
            database=cfg.db_name, connect_timeout=max(1, connect_timeout), read_timeout=timeout + 5,
            write_timeout=timeout + 5, charset="utf8mb4", autocommit=False, **_mysql_ssl(cfg.options),
        )
    except pymysql.Error as exc:
        raise SourceUnavailable(f"cannot connect to the MySQL source: {_mysql_message(exc)}") from exc
    try:
        version = str(conn.get_server_info())
        with conn.cursor() as cur:
            # Session-wide read-only (so even a statement that implicitly commits, like DDL,
            # is refused), a server-side row cap for top-level SELECTs, and a statement timeout.
            cur.execute("SET SESSION TRANSACTION READ ONLY")
            cur.execute("SET time_zone = '+00:00'")  # naive DATETIME/NOW() values are UTC
            cur.execute(f"SET SESSION sql_select_limit = {int(max_rows) + 1}")
            if "mariadb" in version.lower():
                cur.execute(f"SET SESSION max_statement_time = {int(timeout)}")
            else:
                cur.execute(f"SET SESSION max_execution_time = {int(timeout) * 1000}")
            cur.execute("START TRANSACTION READ ONLY")
            cur.execute(sql)
            columns = [d[0] for d in (cur.description or [])]
            rows = [tuple(r) for r in cur.fetchmany(max_rows + 1)]
        conn.rollback()
    except pymysql.Error as exc:
        code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
        if code in _MYSQL_TIMEOUT_CODES:
            raise SourceQueryFailed(f"the query was cancelled after the timeout of {timeout}s") from exc
        if code in _MYSQL_READ_ONLY_CODES:
            raise SourceQueryFailed("the query tried to write in a read-only transaction") from exc
        if 2000 <= code < 3000:  # client-side errors: connection lost or gone away
            raise SourceUnavailable(f"the MySQL source dropped the connection: {_mysql_message(exc)}") from exc
        raise SourceQueryFailed(f"the source rejected the query: {_mysql_message(exc)}") from exc
    finally:
        conn.close()
    return QueryResult(columns, rows[:max_rows], len(rows) > max_rows, version)


def _mysql_message(exc: pymysql.Error) -> str:
    if len(exc.args) >= 2:
        return f"({exc.args[0]}) {exc.args[1]}"[:500]
    return str(exc)[:500] or type(exc).__name__

