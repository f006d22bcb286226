"""What the Jira flows need from the incidents domain, as a small Protocol. The real adapter
(`incidents.py`) calls the incidents service; the integration never writes incident tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from vigil.integrations.jira.mapping import TicketSource


@dataclass(frozen=True)
class IncidentState:
    status: str
    assignee: str | None


class IncidentsPort(Protocol):
    def snapshot(self, incident_id: str) -> TicketSource | None:
        """The incident as an issue is made from it; None when it does not exist."""

    def state(self, incident_id: str) -> IncidentState | None:
        """Current status and assignee; None when the incident does not exist."""

    def change_status(self, incident_id: str, *, status: str, actor: str, note: str) -> None:
        """Move the incident (through intermediate statuses when the lifecycle needs them)."""

    def assign(self, incident_id: str, *, assignee: str | None, actor: str) -> None: ...

    def add_note(self, incident_id: str, *, text: str, actor: str) -> None: ...

    def set_external_ticket(self, incident_id: str, *, key: str, url: str) -> None: ...
