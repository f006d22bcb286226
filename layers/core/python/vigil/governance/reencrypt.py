"""Re-encrypt every registered secret column under the active key (after adding a new key)."""

from __future__ import annotations

from vigil import crypto
from vigil.db import Database
from vigil.logging import get_logger

log = get_logger(__name__)


def reencrypt_all(db: Database, ring: crypto.Keyring | None = None) -> dict[str, int]:
    ring = ring or crypto.keyring()
    counts: dict[str, int] = {}
    for col in crypto.ENCRYPTED_COLUMNS:
        changed = 0
        with db.session() as s:
            rows = s.fetch_all(
                f"SELECT {col.key}::text AS k, {col.column} AS v FROM {col.table} "
                f"WHERE {col.column} IS NOT NULL FOR UPDATE"
            )
            for row in rows:
                if not crypto.needs_rotation(row["v"], ring):
                    continue
                plain = crypto.decrypt(row["v"], context=col.context, ring=ring)
                s.execute(
                    f"UPDATE {col.table} SET {col.column} = %s WHERE {col.key}::text = %s",
                    (crypto.encrypt(plain, context=col.context, ring=ring), row["k"]),
                )
                changed += 1
        counts[col.context] = changed
        log.info("secrets re-encrypted", extra={"column": col.context, "rows": changed})
    return counts
