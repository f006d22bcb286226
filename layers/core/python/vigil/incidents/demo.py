"""Demo incident for the local runtime: one investigation in progress, so the incident pages
have something to show on first start. Idempotent: nothing happens once any incident exists."""

from __future__ import annotations

from vigil.db import Database
from vigil.incidents import service
from vigil.incidents.models import Severity, Status
from vigil.incidents.schemas import CreateIncident

_LOCK = 7_316_061


def seed(db: Database) -> None:
    with db.session() as s:
        s.advisory_lock(_LOCK)
        if s.scalar("SELECT EXISTS (SELECT 1 FROM incidents)"):
            return
        has_admin = s.scalar("SELECT username FROM users WHERE lower(username) = 'admin'")
    out = service.create(db, actor="demo", body=CreateIncident(
        title="Demo: ledger loader row count dropped by half",
        description="Rows loaded per run fell from ~1,000 to ~500 at 09:40 UTC. Downstream "
                    "reconciliation reports are incomplete.",
        severity=Severity.HIGH, assignee="admin" if has_admin else None))
    service.change_status(db, incident_id=out.id, status=Status.INVESTIGATING, actor="demo")
    service.add_note(db, incident_id=out.id, actor="demo",
                     text="Source database shows lock waits on the ledger table since the 09:35 deployment.")
