"""One-line human summaries of timeline entries (API, CSV-free views and the RCA report)."""

from __future__ import annotations

from typing import Any

from vigil.incidents.models import Kind


def summarize(kind: str, detail: dict[str, Any]) -> str:
    d = detail
    match kind:
        case Kind.CREATED:
            if d.get("source") == "grouping":
                return f"Incident opened from {len(d.get('alertIds', []))} grouped alert(s)"
            return "Incident opened"
        case Kind.STATUS:
            text = f"Status {d.get('from')} → {d.get('to')}"
            if d.get("note"):
                text += f": {d['note']}"
            if d.get("reason"):
                text += f" (reason: {d['reason']})"
            return text
        case Kind.ASSIGNEE:
            return f"Assignee {d.get('from') or 'nobody'} → {d.get('to') or 'nobody'}"
        case Kind.NOTE:
            return f"Note: {d.get('text', '')}"
        case Kind.ALERT_LINKED:
            return f"Alert {d.get('ruleName') or d.get('alertId')} ({d.get('severity')}) linked"
        case Kind.ALERT_RESOLVED:
            return f"Alert {d.get('ruleName') or d.get('alertId')} resolved"
        case Kind.ATTACHMENT_ADDED:
            return f"Attachment {d.get('filename')} added"
        case Kind.ATTACHMENT_DELETED:
            return f"Attachment {d.get('filename')} deleted"
        case Kind.REPORT_GENERATED:
            return "RCA report generated"
        case Kind.EXTERNAL_TICKET:
            return f"Linked to {d.get('system')} ticket {d.get('key')}"
    return kind
