"""Real source databases for the loader tests: a per-run PostgreSQL database and a per-run
MariaDB (MySQL) database, each with a read-only and a read-write account. Every name carries a
random suffix; `drop()` removes databases and accounts at the end of the run."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pymysql

from vigil import db

MYSQL = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": ""}

# Hourly rows over the last two days, two segments; values make sums easy to check.
_PG_TABLE = """
CREATE TABLE payments (id serial PRIMARY KEY, created_at timestamptz NOT NULL, segment text NOT NULL,
                       amount numeric(12, 2) NOT NULL);
INSERT INTO payments (created_at, segment, amount)
SELECT date_trunc('hour', now()) - (n || ' hours')::interval, CASE WHEN n % 2 = 0 THEN 'CARD' ELSE 'WALLET' END,
       10 + n
FROM generate_series(0, 47) AS n;
"""

_MYSQL_TABLE = [
    "CREATE TABLE payments (id int AUTO_INCREMENT PRIMARY KEY, created_at datetime NOT NULL, "
    "segment varchar(20) NOT NULL, amount decimal(12, 2) NOT NULL)",
    "INSERT INTO payments (created_at, segment, amount) VALUES "
    "(UTC_TIMESTAMP() - INTERVAL 1 HOUR, 'CARD', 10.50), (UTC_TIMESTAMP() - INTERVAL 1 HOUR, 'CARD', 4.50), "
    "(UTC_TIMESTAMP() - INTERVAL 1 HOUR, 'WALLET', 7.00)",
]


@dataclass
class Account:
    user: str
    password: str


@dataclass
class SourceServer:
    type: str
    host: str
    port: int
    db_name: str
    read_only: Account
    read_write: Account
    admin_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self, account: Account, name: str | None = None) -> dict[str, Any]:
        """A POST /db-sources body for one of the accounts."""
        return {
            "name": name or f"{self.type}-{account.user}-{uuid.uuid4().hex[:4]}", "type": self.type,
            "host": self.host, "port": self.port, "dbName": self.db_name, "userName": account.user,
            "password": account.password,
        }


def create_postgres(admin_url: str) -> SourceServer:
    suffix = uuid.uuid4().hex[:8]
    name = f"vigil_src_{suffix}"
    ro = Account(f"vigil_ro_{suffix}", f"ro-{suffix}")
    rw = Account(f"vigil_rw_{suffix}", f"rw-{suffix}")
    db.admin_execute(admin_url, [
        f'CREATE DATABASE "{name}"',
        f"CREATE ROLE {ro.user} LOGIN PASSWORD '{ro.password}'",
        f"CREATE ROLE {rw.user} LOGIN PASSWORD '{rw.password}'",
    ])
    db.admin_execute(db.with_database(admin_url, name), [
        _PG_TABLE,
        f'GRANT CONNECT ON DATABASE "{name}" TO {ro.user}, {rw.user}',
        f"GRANT USAGE ON SCHEMA public TO {ro.user}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {ro.user}",
        f"GRANT USAGE, CREATE ON SCHEMA public TO {rw.user}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON payments TO {rw.user}",
    ])
    info = db.with_database(admin_url, name)
    from psycopg.conninfo import conninfo_to_dict

    parsed = conninfo_to_dict(info)
    host = str(parsed.get("host") or "127.0.0.1")
    return SourceServer("postgresql", host, int(parsed.get("port") or 5432), name, ro, rw, admin_url=admin_url)


def drop_postgres(server: SourceServer) -> None:
    db.admin_execute(server.admin_url, [
        f'DROP DATABASE IF EXISTS "{server.db_name}" WITH (FORCE)',
        f"DROP ROLE IF EXISTS {server.read_only.user}",
        f"DROP ROLE IF EXISTS {server.read_write.user}",
    ])


def _mysql(statements: list[str], database: str | None = None) -> None:
    conn = pymysql.connect(**MYSQL, database=database, autocommit=True)
    try:
        with conn.cursor() as cur:
            for stmt in statements:
                cur.execute(stmt)
    finally:
        conn.close()


def create_mysql() -> SourceServer:
    suffix = uuid.uuid4().hex[:8]
    name = f"vigil_src_{suffix}"
    ro = Account(f"vigil_ro_{suffix}", f"ro-{suffix}")
    rw = Account(f"vigil_rw_{suffix}", f"rw-{suffix}")
    _mysql([f"CREATE DATABASE `{name}`"])
    _mysql(_MYSQL_TABLE, database=name)
    _mysql([
        f"CREATE USER '{ro.user}'@'%' IDENTIFIED BY '{ro.password}'",
        f"CREATE USER '{ro.user}'@'localhost' IDENTIFIED BY '{ro.password}'",
        f"CREATE USER '{rw.user}'@'%' IDENTIFIED BY '{rw.password}'",
        f"CREATE USER '{rw.user}'@'localhost' IDENTIFIED BY '{rw.password}'",
        f"GRANT SELECT ON `{name}`.* TO '{ro.user}'@'%'",
        f"GRANT SELECT ON `{name}`.* TO '{ro.user}'@'localhost'",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON `{name}`.* TO '{rw.user}'@'%'",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON `{name}`.* TO '{rw.user}'@'localhost'",
    ])
    return SourceServer("mysql", MYSQL["host"], MYSQL["port"], name, ro, rw)


def drop_mysql(server: SourceServer) -> None:
    statements = [f"DROP DATABASE IF EXISTS `{server.db_name}`"]
    for acct in (server.read_only, server.read_write):
        statements += [f"DROP USER IF EXISTS '{acct.user}'@'%'", f"DROP USER IF EXISTS '{acct.user}'@'localhost'"]
    _mysql(statements)
