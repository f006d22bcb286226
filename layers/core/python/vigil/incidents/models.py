"""Incident vocabulary: statuses, severities, the lifecycle graph and timeline kinds."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    NEW = "NEW"
    INVESTIGATING = "INVESTIGATING"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"


class Severity(StrEnum):
    INFO = "INFO"
    WARNING = "WARNING"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


class Origin(StrEnum):
    """Where a change came from; Jira-origin changes are not echoed back to Jira."""

    VIGIL = "vigil"
    JIRA = "jira"


# NEW → INVESTIGATING → RESOLVED → CLOSED, plus reopen RESOLVED → INVESTIGATING.
TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.NEW: (Status.INVESTIGATING,),
    Status.INVESTIGATING: (Status.RESOLVED,),
    Status.RESOLVED: (Status.CLOSED, Status.INVESTIGATING),
    Status.CLOSED: (),
}

# Statuses in which an incident still absorbs alerts of its group.
OPEN = (Status.NEW, Status.INVESTIGATING)


class Kind(StrEnum):
    """What a timeline entry records."""

    CREATED = "created"
    STATUS = "status"
    ASSIGNEE = "assignee"
    NOTE = "note"
    ALERT_LINKED = "alert_linked"
    ALERT_RESOLVED = "alert_resolved"
    ATTACHMENT_ADDED = "attachment_added"
    ATTACHMENT_DELETED = "attachment_deleted"
    REPORT_GENERATED = "report_generated"
    EXTERNAL_TICKET = "external_ticket"
