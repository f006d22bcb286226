"""Versioned SQL migrations: `versions/NNNN_name.sql`, applied in order, recorded with checksums.

Numbering by domain keeps parallel work from colliding: 0001-0009 platform, 0010 identity,
0020 loaders, 0030 signals, 0040 charts and dashboards, 0050 alerting, 0060 incidents,
0070 notifications, 0080 integrations.
"""

from vigil.migrations.runner import EditedMigration, Migration, applied, discover, migrate

__all__ = ["EditedMigration", "Migration", "applied", "discover", "migrate"]
