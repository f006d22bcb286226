"""The loader SQL contract: what a loader's query may be, and how its rows become signals.

The query
    exactly one read-only SELECT (or WITH ... SELECT). Checked with a real tokenizer
    (sqlparse), so keywords inside string literals or comments are not mistaken for
    statements. Rejected: more than one statement, any DML/DDL anywhere (also inside a CTE),
    SELECT ... INTO, FOR UPDATE / FOR SHARE / LOCK IN SHARE MODE, transaction and session
    control, and functions that lock, write files, signal backends or change settings.

The columns (names are case-insensitive)
    load_time_stamp   required: timestamp/timestamptz/datetime/date (naive values are UTC), or
                      epoch seconds (integer or decimal), or an ISO 8601 string
    segment_code      optional: text; NULL/missing -> the loader's only segment when it lists
                      exactly one, else "ALL"
    rec_count         optional: integer >= 0 (default 0)
    max_val, min_val, avg_val, sum_val   optional: numbers (NULL allowed)
    Any other column is ignored.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlparse
from pydantic import ValidationError
from sqlparse import tokens as T

from vigil import errors
from vigil.signals.models import DEFAULT_SEGMENT, SignalPoint

REQUIRED_COLUMNS = ("load_time_stamp",)
OPTIONAL_COLUMNS = ("segment_code", "rec_count", "max_val", "min_val", "avg_val", "sum_val")
VALUE_COLUMNS = ("max_val", "min_val", "avg_val", "sum_val")

_FORBIDDEN_KEYWORDS = {
    "INTO", "LOCK", "UNLOCK", "GRANT", "REVOKE", "COPY", "CALL", "EXEC", "EXECUTE", "PREPARE",
    "DEALLOCATE", "LISTEN", "NOTIFY", "UNLISTEN", "VACUUM", "ANALYZE", "HANDLER", "LOAD",
    "OUTFILE", "DUMPFILE", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET",
    "RESET", "DISCARD", "REFRESH", "REINDEX", "CLUSTER", "IMPORT", "SECURITY",
}
# Functions that take locks, write or read server files, signal other sessions, change
# settings or sequences, or reach other servers.
_FORBIDDEN_FUNCTIONS = {
    "get_lock", "release_lock", "release_all_locks", "is_free_lock", "is_used_lock",
    "set_config", "nextval", "setval", "pg_notify", "pg_terminate_backend", "pg_cancel_backend",
    "pg_reload_conf", "pg_rotate_logfile", "pg_read_file", "pg_read_binary_file", "pg_ls_dir",
    "pg_stat_file", "lo_import", "lo_export", "lo_unlink", "load_file", "sys_exec", "sys_eval",
    "txid_current", "pg_current_xact_id", "pg_switch_wal", "pg_create_restore_point",
    "pg_start_backup", "pg_stop_backup", "pg_backup_start", "pg_backup_stop", "pg_import_system_collations",
}
_FORBIDDEN_PREFIXES = ("pg_advisory", "pg_try_advisory", "dblink", "pg_replication_", "pg_logical_")


def _reject(message: str) -> errors.ValidationFailed:
    return errors.ValidationFailed(
        f"loaderSql is not accepted: {message}",
        details=[{"field": "body.loaderSql", "message": message}],
    )


def validate_sql(sql: str) -> str:
    """The query without a trailing semicolon, or ValidationFailed saying what is wrong."""
    text = (sql or "").strip()
    if not text:
        raise _reject("the query is empty")
    statements = [s for s in sqlparse.parse(text) if _meaningful(s)]
    if len(statements) != 1:
        raise _reject(f"exactly one statement is allowed, found {len(statements)}")
    stmt = statements[0]
    if stmt.get_type() != "SELECT":
        raise _reject("only a SELECT (or WITH ... SELECT) query is allowed")
    tokens = [t for t in stmt.flatten() if not t.is_whitespace and t.ttype not in T.Comment]
    previous = ""
    for tok in tokens:
        value = tok.value.upper()
        if tok.ttype in T.Keyword.DML and value != "SELECT":
            raise _reject(f"{value} is not allowed: loaders only read")
        if tok.ttype in T.Keyword.DDL:
            raise _reject(f"{value} is not allowed: loaders only read")
        if tok.ttype in T.Keyword and value in _FORBIDDEN_KEYWORDS:
            raise _reject(f"{value} is not allowed in a loader query")
        if tok.ttype in T.Keyword and previous == "FOR" and value in {"SHARE", "NO", "KEY"}:
            raise _reject(f"FOR {value} (row locking) is not allowed")
        if tok.ttype in T.Name or tok.ttype in T.Keyword:
            name = tok.value.strip('"`').lower()
            if name in _FORBIDDEN_FUNCTIONS or name.startswith(_FORBIDDEN_PREFIXES):
                raise _reject(f"the function {name} is not allowed in a loader query")
        if tok.ttype is T.Punctuation and tok.value == ";" and tok is not tokens[-1]:
            raise _reject("exactly one statement is allowed")
        if tok.ttype in T.Keyword:
            previous = value
    return text.rstrip().rstrip(";").rstrip()


def _meaningful(stmt: Any) -> bool:
    return any(not t.is_whitespace and t.ttype not in T.Comment and t.value != ";" for t in stmt.flatten())


# -- rows -> signal points -----------------------------------------------------------------

@dataclass
class Conversion:
    points: list[SignalPoint] = field(default_factory=list)
    skipped: int = 0  # rows whose segment is not among the loader's segments
    errors: list[dict[str, Any]] = field(default_factory=list)  # {"row", "message"}


def check_columns(columns: Sequence[str]) -> None:
    names = {c.lower() for c in columns}
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise errors.ValidationFailed(
            f"the query must return the column(s) {', '.join(missing)}; it returned "
            f"{', '.join(columns) or 'no columns'}",
            details=[{"field": "body.loaderSql", "message": f"missing column {m}"} for m in missing],
        )


def to_points(
    *, loader_code: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
    segments: Sequence[str], max_errors: int = 20,
) -> Conversion:
    """Validate rows into SignalPoints. With `segments`, rows of other segments are skipped."""
    check_columns(columns)
    index = {c.lower(): i for i, c in enumerate(columns)}
    allowed = set(segments)
    default_segment = segments[0] if len(segments) == 1 else DEFAULT_SEGMENT
    out = Conversion()
    for n, row in enumerate(rows, start=1):
        try:
            values = {k: row[i] for k, i in index.items() if k in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
            segment = values.get("segment_code")
            segment = default_segment if segment is None or str(segment).strip() == "" else str(segment).strip()
            if allowed and segment not in allowed:
                out.skipped += 1
                continue
            out.points.append(SignalPoint(
                loader_code=loader_code,
                segment_code=segment,
                load_time_stamp=epoch_seconds(values["load_time_stamp"]),
                rec_count=_count(values.get("rec_count")),
                **{k: _number(k, values.get(k)) for k in VALUE_COLUMNS},
            ))
        except (ValueError, TypeError, ValidationError) as exc:
            if len(out.errors) < max_errors:
                out.errors.append({"row": n, "message": _explain(exc)})
            else:
                out.errors[-1] = {"row": n, "message": "more rows are invalid"}
    return out


def epoch_seconds(value: Any) -> int:
    if value is None:
        raise ValueError("load_time_stamp is NULL")
    if isinstance(value, bool):
        raise ValueError("load_time_stamp must be a timestamp or epoch seconds, not a boolean")
    if isinstance(value, datetime):
        return int((value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp())
    if isinstance(value, date):
        return int(datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp())
    if isinstance(value, int | float | Decimal):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("load_time_stamp must be finite")
        if number > 1e11:  # year 5138 in seconds: surely milliseconds
            raise ValueError(f"load_time_stamp {number:.0f} looks like epoch milliseconds; return seconds")
        return int(number)
    if isinstance(value, str):
        text = value.strip()
        try:
            return epoch_seconds(float(text))
        except ValueError:
            pass
        try:
            return epoch_seconds(datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError as exc:
            raise ValueError(f"load_time_stamp {text[:40]!r} is not a timestamp") from exc
    raise ValueError(f"load_time_stamp of type {type(value).__name__} is not a timestamp")


def _count(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(f"rec_count must be a whole number, got {type(value).__name__}")
    number = Decimal(str(value))
    if number != number.to_integral_value():
        raise ValueError(f"rec_count must be a whole number, got {value}")
    return int(number)


def _number(name: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(f"{name} must be a number, got {type(value).__name__}")
    try:
        return float(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {str(value)[:40]!r}") from exc


def _explain(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg', 'invalid')}"
    return str(exc)


def jsonable(value: Any) -> Any:
    """A preview cell as JSON (timestamps ISO 8601, decimals as numbers, bytes as text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
