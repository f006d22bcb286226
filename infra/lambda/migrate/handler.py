"""Code of the MigrateFunction (see vigil/ops/migrate_handler.py; the layer provides `vigil`)."""

from vigil.ops.migrate_handler import handler

__all__ = ["handler"]
