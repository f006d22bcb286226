"""Apply the SQL files in `versions/` once each, in order, refusing edited history."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from vigil import errors
from vigil.db import Database
from vigil.logging import get_logger

log = get_logger(__name__)

VERSIONS_DIR = Path(__file__).with_name("versions")
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 7_316_001  # advisory lock id: only one migrator at a time


class EditedMigration(errors.VigilError):
    """A migration file that was already applied has changed since."""

    code = "EDITED_MIGRATION"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover(directory: Path = VERSIONS_DIR) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise errors.ValidationFailed(f"migration file name not NNNN_name.sql: {path.name}")
        found.append(Migration(int(match.group(1)), match.group(2), path.read_text()))
    versions = [m.version for m in found]
    if len(versions) != len(set(versions)):
        raise errors.ValidationFailed("two migration files share a version number")
    return found


_CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


def applied(db: Database) -> dict[int, dict]:
    with db.session() as s:
        s.execute(_CREATE_LEDGER)
        rows = s.fetch_all("SELECT version, name, checksum, applied_at FROM schema_migrations")
    return {r["version"]: r for r in rows}


def migrate(db: Database, directory: Path = VERSIONS_DIR) -> list[Migration]:
    """Apply pending migrations; return the ones applied now.

    Raises EditedMigration, before applying anything, when an applied file's checksum changed.
    """
    migrations = discover(directory)
    newly: list[Migration] = []
    with db.session() as s:
        s.execute(_CREATE_LEDGER)
        s.advisory_lock(_LOCK_KEY)
        done = {
            r["version"]: r
            for r in s.fetch_all("SELECT version, name, checksum FROM schema_migrations")
        }
        edited = [
            m for m in migrations if m.version in done and done[m.version]["checksum"] != m.checksum
        ]
        if edited:
            names = ", ".join(f"{m.version:04d}_{m.name}.sql" for m in edited)
            raise EditedMigration(
                f"applied migration(s) were edited: {names}; add a new migration instead"
            )
        for m in migrations:
            if m.version in done:
                continue
            s.run_script(m.sql)
            s.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                (m.version, m.name, m.checksum),
            )
            log.info("migration applied", extra={"version": m.version, "migrationName": m.name})
            newly.append(m)
    return newly
