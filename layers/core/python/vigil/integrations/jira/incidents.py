"""The IncidentsPort over the incidents service: every change goes through its public functions
with origin "jira", so it gets its timeline entry, audit row and event like any other."""

from __future__ import annotations

from collections import deque
from types import ModuleType

from vigil import errors
from vigil.db import Database
from vigil.integrations.jira.mapping import TicketSource
from vigil.integrations.jira.ports import IncidentState

ORIGIN = "jira"


def _service() -> ModuleType:
    # Imported on use: the integration depends on incidents, not the other way round, and the
    # webhook route stays importable on its own.
    from vigil.incidents import service

    return service


def lifecycle_path(current: str, target: str) -> list[str]:
    """The shortest walk through the incident lifecycle from `current` to `target` (without
    `current`); empty when there is none. Jira may jump where our lifecycle takes two steps."""
    from vigil.incidents.models import TRANSITIONS, Status

    start, goal = Status(current), Status(target)
    seen = {start: [start]}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            return [s.value for s in seen[node][1:]]
        for nxt in TRANSITIONS[node]:
            if nxt not in seen:
                seen[nxt] = [*seen[node], nxt]
                queue.append(nxt)
    return []


class ServiceIncidents:
    def __init__(self, db: Database) -> None:
        self.db = db

    def snapshot(self, incident_id: str) -> TicketSource | None:
        try:
            d = _service().get_detail(self.db, incident_id=incident_id)
        except errors.NotFound:
            return None
        alerts = tuple(
            f"{a.rule_name or a.rule_id or 'alert'} on {a.loader_code or '?'} ({a.severity or '?'}) "
            f"at {a.triggered_at.isoformat() if a.triggered_at else '?'}"
            + (f": value {a.current_value} vs threshold {a.threshold}" if a.current_value is not None else "")
            for a in d.alerts
        )
        return TicketSource(
            incident_id=d.id, title=d.title, severity=str(d.severity), status=str(d.status),
            assignee=d.assignee, description=d.description or "", number=d.number,
            url=_service().incident_url(d.id), alerts=alerts,
        )

    def state(self, incident_id: str) -> IncidentState | None:
        try:
            out = _service().get(self.db, incident_id=incident_id)
        except errors.NotFound:
            return None
        return IncidentState(status=str(out.status), assignee=out.assignee)

    def change_status(self, incident_id: str, *, status: str, actor: str, note: str) -> None:
        from vigil.incidents.models import Status

        state = self.state(incident_id)
        if state is None:
            raise errors.NotFound(f"incident {incident_id} not found")
        path = lifecycle_path(state.status, status)
        if not path:
            raise errors.Conflict(f"the incident lifecycle has no way from {state.status} to {status}")
        for step in path:
            _service().change_status(
                self.db, incident_id=incident_id, status=Status(step), actor=actor, origin=ORIGIN,
                note=note if step == "RESOLVED" else None,
                reason=note if step == "CLOSED" else None,
            )

    def assign(self, incident_id: str, *, assignee: str | None, actor: str) -> None:
        _service().assign(self.db, incident_id=incident_id, assignee=assignee, actor=actor, origin=ORIGIN)

    def add_note(self, incident_id: str, *, text: str, actor: str) -> None:
        _service().add_note(self.db, incident_id=incident_id, text=text, actor=actor, origin=ORIGIN)

    def set_external_ticket(self, incident_id: str, *, key: str, url: str) -> None:
        _service().set_external_ticket(self.db, incident_id=incident_id, system="jira", key=key, url=url,
                                       actor="jira-sync")
