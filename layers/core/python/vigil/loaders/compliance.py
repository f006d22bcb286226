"""Read-only compliance (the seed's DbPermissionInspector): may the configured account write?

PostgreSQL: superuser, CREATEDB / CREATEROLE / REPLICATION / BYPASSRLS attributes, CREATE on
the database or on any non-system schema, and INSERT / UPDATE / DELETE / TRUNCATE on any
table, view or foreign table (directly, through a role, or as owner).
MySQL / MariaDB: `SHOW GRANTS FOR CURRENT_USER()`; anything beyond SELECT, SHOW VIEW, USAGE
and PROCESS is a finding, as are WITH GRANT OPTION, PROXY and granted roles (whose own
privileges we do not expand, so we cannot vouch for them).

A source is compliant when the inspection ran and found nothing. The parsing is pure, so unit
tests cover it without a server; `inspect` runs the queries through `vigil.sourcedb`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from vigil import sourcedb

MYSQL_ALLOWED = {"SELECT", "SHOW VIEW", "USAGE", "PROCESS"}
_MAX_TABLE_FINDINGS = 50

PG_ROLE_SQL = """
SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls,
       has_database_privilege(current_database(), 'CREATE') AS db_create
FROM pg_roles WHERE rolname = current_user
"""

PG_SCHEMA_SQL = """
SELECT nspname FROM pg_namespace
WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
  AND has_schema_privilege(oid, 'CREATE')
ORDER BY nspname
"""

PG_TABLE_SQL = """
SELECT n.nspname AS schema_name, c.relname AS table_name,
       array_remove(ARRAY[
         CASE WHEN has_table_privilege(c.oid, 'INSERT') THEN 'INSERT' END,
         CASE WHEN has_table_privilege(c.oid, 'UPDATE') THEN 'UPDATE' END,
         CASE WHEN has_table_privilege(c.oid, 'DELETE') THEN 'DELETE' END,
         CASE WHEN has_table_privilege(c.oid, 'TRUNCATE') THEN 'TRUNCATE' END], NULL) AS privs
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
  AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE')
       OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE'))
ORDER BY 1, 2
"""


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    object: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "object": self.object}


@dataclass(frozen=True)
class Report:
    compliant: bool
    findings: list[Finding]


def inspect(cfg: sourcedb.SourceConfig, *, connect_timeout: int, timeout_seconds: int = 15) -> Report:
    """Connect as the source's account and report what it may do beyond reading.

    An unreachable source is not compliant: we could not prove it is read-only.
    """
    kw: dict[str, Any] = {"timeout_seconds": timeout_seconds, "connect_timeout": connect_timeout}
    try:
        if cfg.type == sourcedb.POSTGRESQL:
            role = sourcedb.query(cfg, PG_ROLE_SQL, max_rows=1, **kw)
            schemas = sourcedb.query(cfg, PG_SCHEMA_SQL, max_rows=100, **kw)
            tables = sourcedb.query(cfg, PG_TABLE_SQL, max_rows=_MAX_TABLE_FINDINGS, **kw)
            findings = postgres_findings(
                _as_dict(role.columns, role.rows[0]) if role.rows else {},
                [r[0] for r in schemas.rows],
                [(r[0], r[1], list(r[2])) for r in tables.rows],
                more_tables=tables.truncated,
            )
        else:
            grants = sourcedb.query(cfg, "SHOW GRANTS FOR CURRENT_USER()", max_rows=200, **kw)
            findings = mysql_findings([str(r[0]) for r in grants.rows])
    except (sourcedb.SourceUnavailable, sourcedb.SourceQueryFailed) as exc:
        findings = [Finding("INSPECTION_FAILED", f"the permissions could not be inspected: {exc.message}")]
    return Report(compliant=not findings, findings=findings)


def _as_dict(columns: list[str], row: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(columns, row, strict=False))


def postgres_findings(
    role: dict[str, Any], create_schemas: list[str], writable: list[tuple[str, str, list[str]]],
    *, more_tables: bool = False,
) -> list[Finding]:
    if not role:
        return [Finding("INSPECTION_FAILED", "the current role was not found in pg_roles")]
    found: list[Finding] = []
    attributes = [
        ("rolsuper", "SUPERUSER", "the account is a superuser: it can do anything"),
        ("rolcreatedb", "CREATEDB", "the account may create databases"),
        ("rolcreaterole", "CREATEROLE", "the account may create and alter roles"),
        ("rolreplication", "REPLICATION", "the account may start replication"),
        ("rolbypassrls", "BYPASSRLS", "the account bypasses row-level security"),
    ]
    for column, code, message in attributes:
        if role.get(column):
            found.append(Finding(code, message))
    if role.get("db_create"):
        found.append(Finding("CREATE_ON_DATABASE", "the account may create schemas in the database"))
    for schema in create_schemas:
        found.append(Finding("CREATE_ON_SCHEMA", f"the account may create objects in schema {schema}", schema))
    for schema, table, privs in writable:
        found.append(Finding(
            "WRITE_ON_TABLE", f"the account may {', '.join(privs)} on {schema}.{table}", f"{schema}.{table}",
        ))
    if more_tables:
        found.append(Finding("WRITE_ON_TABLE", f"and more writable tables (first {_MAX_TABLE_FINDINGS} listed)"))
    return found


_GRANT = re.compile(r"^GRANT\s+(?P<privs>.+?)\s+ON\s+(?P<object>.+?)\s+TO\s+(?P<rest>.+)$", re.I | re.S)
_ROLE_GRANT = re.compile(r"^GRANT\s+(?P<roles>.+?)\s+TO\s+", re.I | re.S)


def mysql_findings(grants: list[str]) -> list[Finding]:
    """Interpret SHOW GRANTS lines. Password hashes in them never reach a finding."""
    found: list[Finding] = []
    for line in grants:
        text = line.strip()
        match = _GRANT.match(text)
        if match:
            obj = match.group("object").strip()
            for priv in _split_privileges(match.group("privs")):
                if priv == "PROXY":
                    found.append(Finding("PROXY", "the account may proxy as other users", obj))
                elif priv not in MYSQL_ALLOWED:
                    found.append(Finding("PRIVILEGE", f"the account holds {priv} on {obj}", obj))
            if re.search(r"\bWITH\b.*\bGRANT\s+OPTION\b", match.group("rest"), re.I):
                found.append(Finding("GRANT_OPTION", f"the account may grant its privileges on {obj}", obj))
            continue
        role = _ROLE_GRANT.match(text)
        if role:
            name = role.group("roles").strip()
            found.append(Finding("ROLE", f"the account is granted role {name}, whose privileges are not "
                                         "inspected", name))
            continue
        if text.upper().startswith("GRANT"):
            found.append(Finding("UNRECOGNISED_GRANT", "a grant could not be interpreted", None))
    return found


def _split_privileges(text: str) -> list[str]:
    # Column privileges carry column lists: "SELECT (a, b), INSERT (c)".
    without_columns = re.sub(r"\([^)]*\)", "", text)
    privs = [" ".join(p.split()).upper() for p in without_columns.split(",")]
    return [("ALL PRIVILEGES" if p == "ALL" else p) for p in privs if p]
