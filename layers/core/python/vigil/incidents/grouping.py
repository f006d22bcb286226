"""Alert grouping: `alert.triggered` events become incidents.

Alerts whose group key (by default loader and severity) matches, within a window (10 minutes
by default, both edges included), form a group. The group opens an incident when it counts
`threshold` alerts (3) or when an alert has an immediate severity (CRITICAL). While the
incident is open (NEW / INVESTIGATING) later alerts of its key attach to it; once it is
RESOLVED or CLOSED it absorbs nothing more and a new group starts.

Safety: each group key is serialised by a transaction-scoped advisory lock, every alert id
is stored once (primary key), and an alert links to at most one incident (unique), so
redelivery and concurrent consumers never duplicate a link or an incident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from vigil import db as db_adapter
from vigil import errors
from vigil.db import Database, Row, Session
from vigil.events.catalog import Envelope
from vigil.incidents import outbox, service
from vigil.incidents import repository as repo
from vigil.incidents.models import OPEN, Kind, Severity
from vigil.settings import Settings, get_settings

ACTOR = "grouping"
_SEVERITY_RANK = {s.value: i for i, s in enumerate(Severity)}
_KEY_FIELDS = ("loaderCode", "severity", "ruleId", "ruleName", "chartId", "segmentCode")


@dataclass(frozen=True)
class Policy:
    keys: tuple[str, ...] = ("loaderCode", "severity")
    window: timedelta = timedelta(minutes=10)
    threshold: int = 3
    immediate: frozenset[str] = frozenset({"CRITICAL"})
    absorb_while_open: bool = True

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Policy:
        s = settings or get_settings()
        keys = tuple(k.strip() for k in s.incident_group_keys.split(",") if k.strip())
        bad = [k for k in keys if k not in _KEY_FIELDS and not k.startswith("labels.")]
        if bad or not keys:
            raise errors.ValidationFailed(
                f"INCIDENT_GROUP_KEYS: unknown key(s) {bad}; use {', '.join(_KEY_FIELDS)} or labels.<name>")
        return cls(
            keys=keys,
            window=timedelta(seconds=max(1, s.incident_group_window_seconds)),
            threshold=max(1, s.incident_group_threshold),
            immediate=frozenset(v.strip().upper() for v in s.incident_group_immediate_severities.split(",")
                                if v.strip()),
            absorb_while_open=s.incident_group_absorb_while_open,
        )

    def group_key(self, payload: dict[str, Any]) -> str:
        parts = []
        for key in self.keys:
            if key.startswith("labels."):
                value = (payload.get("labels") or {}).get(key.removeprefix("labels."))
            else:
                value = payload.get(key)
            parts.append(f"{key}={'' if value is None else value}")
        return "|".join(parts)


def parse_time(value: Any, *, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise errors.ValidationFailed(f"{field} is not an ISO 8601 time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def densest_window(times: list[datetime], anchor: datetime, window: timedelta) -> list[int]:
    """Indexes of the largest set of `times` that fits in one window containing `anchor`."""
    best: list[int] = []
    for start in sorted(t for t in times if anchor - window <= t <= anchor):
        members = [i for i, t in enumerate(times) if start <= t <= start + window]
        if len(members) > len(best):
            best = members
    return best


@dataclass(frozen=True)
class Outcome:
    """What one alert did: nothing new (duplicate), waited in a group, opened or joined."""

    action: str  # "duplicate" | "pending" | "opened" | "attached"
    incident_id: str | None = None


def on_alert_triggered(db: Database, envelope: Envelope, *, policy: Policy | None = None) -> Outcome:
    policy = policy or Policy.from_settings()
    payload = envelope.payload
    triggered_at = parse_time(payload["triggeredAt"], field="triggeredAt")
    key = policy.group_key(payload)
    events: list[Envelope] = []
    with db.session() as s:
        s.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7316060))", (key,))
        inserted = s.execute(
            "INSERT INTO incident_group_alerts (alert_id, group_key, severity, triggered_at, payload) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (alert_id) DO NOTHING",
            (payload["alertId"], key, payload["severity"], triggered_at, db_adapter.json(payload)),
        )
        if inserted == 0:
            return Outcome("duplicate", repo.incident_of_alert(s, payload["alertId"]))
        open_id = _open_incident(s, key, triggered_at, policy)
        if open_id is not None:
            events.append(_attach(s, open_id, payload, triggered_at))
            outcome = Outcome("attached", open_id)
        else:
            pending = s.fetch_all(
                "SELECT alert_id, severity, triggered_at, resolved_at, payload FROM incident_group_alerts "
                "WHERE group_key = %s AND incident_id IS NULL AND triggered_at BETWEEN %s AND %s "
                "ORDER BY triggered_at, alert_id",
                (key, triggered_at - policy.window, triggered_at + policy.window),
            )
            members = [pending[i] for i in densest_window(
                [p["triggered_at"] for p in pending], triggered_at, policy.window)]
            immediate = any(m["severity"] in policy.immediate for m in members)
            if len(members) < policy.threshold and not immediate:
                return Outcome("pending")
            incident_id, created = _open(s, key, members)
            events.append(created)
            outcome = Outcome("opened", incident_id)
    outbox.flush(db, events)
    return outcome


def _open_incident(s: Session, key: str, triggered_at: datetime, policy: Policy) -> str | None:
    row = s.fetch_one(
        "SELECT i.id::text AS id, (SELECT max(a.triggered_at) FROM incident_alerts a "
        "WHERE a.incident_id = i.id) AS last_at FROM incidents i "
        "WHERE i.group_key = %s AND i.status = ANY(%s) ORDER BY i.created_at DESC LIMIT 1",
        (key, [status.value for status in OPEN]),
    )
    if row is None:
        return None
    if not policy.absorb_while_open and row["last_at"] and triggered_at > row["last_at"] + policy.window:
        return None
    return str(row["id"])


def _link(s: Session, incident_id: str, payload: dict[str, Any], triggered_at: datetime,
          resolved_at: datetime | None = None) -> None:
    repo.link_alert(s, incident_id, payload, triggered_at)
    if resolved_at is not None:
        repo.mark_alert_resolved(s, payload["alertId"], resolved_at)
    s.execute("UPDATE incident_group_alerts SET incident_id = %s WHERE alert_id = %s",
              (incident_id, payload["alertId"]))
    repo.add_timeline(s, incident_id, actor=ACTOR, kind=Kind.ALERT_LINKED, detail={
        "alertId": payload["alertId"], "ruleName": payload.get("ruleName"),
        "severity": payload.get("severity"), "triggeredAt": payload.get("triggeredAt"),
        "currentValue": payload.get("currentValue"), "threshold": payload.get("threshold")})


def _attach(s: Session, incident_id: str, payload: dict[str, Any], triggered_at: datetime) -> Envelope:
    before = repo.get(s, incident_id, lock=True)
    assert before is not None
    _link(s, incident_id, payload, triggered_at)
    row = repo.update(s, incident_id, {})
    # alertIds names the newly linked alert, so its own escalation gives way to the incident's.
    changes = {"alertCount": {"from": before["alert_count"], "to": row["alert_count"]},
               "alertIds": {"from": [], "to": [payload["alertId"]]}}
    service.record_audit(None, s, actor=ACTOR, action="incident.alert_linked", entity_id=incident_id,
                         after={"alertId": payload["alertId"]})
    return outbox.add(s, "incident.updated", service.updated_payload(
        row, changes, actor=ACTOR, origin="vigil"))


def _open(s: Session, key: str, members: list[Row]) -> tuple[str, Envelope]:
    payloads = [m["payload"] for m in members]
    severity = max((p["severity"] for p in payloads), key=lambda v: _SEVERITY_RANK.get(v, 0))
    loaders = sorted({p.get("loaderCode") for p in payloads if p.get("loaderCode")})
    rules = sorted({p.get("ruleName") or p.get("ruleId") for p in payloads})
    where = loaders[0] if len(loaders) == 1 else ", ".join(loaders)
    title = f"{rules[0]} on {where}" if len(rules) == 1 else f"{len(payloads)} alerts on {where}"
    lines = [f"- {p.get('ruleName') or p.get('ruleId')} ({p['severity']}) at {p['triggeredAt']}: "
             f"value {p.get('currentValue')} vs threshold {p.get('threshold')}" for p in payloads]
    description = "Opened automatically from grouped alerts:\n" + "\n".join(lines)
    row = repo.insert(s, title=title[:300], description=description, severity=severity,
                      loader_code=loaders[0] if len(loaders) == 1 else None, assignee=None,
                      source="grouping", group_key=key, created_by=ACTOR)
    alert_ids = [p["alertId"] for p in payloads]
    repo.add_timeline(s, row["id"], actor=ACTOR, kind=Kind.CREATED,
                      detail={"source": "grouping", "groupKey": key, "alertIds": alert_ids,
                              "severity": severity, "title": row["title"]})
    for member in members:
        _link(s, row["id"], member["payload"], member["triggered_at"], member["resolved_at"])
    out = service.incident_out(repo.update(s, row["id"], {}))
    service.record_audit(None, s, actor=ACTOR, action="incident.create", entity_id=out.id, after=out)
    event = outbox.add(s, "incident.created", {
        "incidentId": out.id, "title": out.title, "severity": out.severity.value,
        "status": out.status.value, "loaderCode": out.loader_code, "assignee": None,
        "alertIds": alert_ids, "url": service.incident_url(out.id)})
    return out.id, event


def on_alert_resolved(db: Database, envelope: Envelope) -> str | None:
    """Put the resolution on the timeline of the alert's incident (once)."""
    payload = envelope.payload
    resolved_at = parse_time(payload["resolvedAt"], field="resolvedAt")
    with db.session() as s:
        incident_id = repo.incident_of_alert(s, payload["alertId"])
        if incident_id is None:
            # Still waiting in a group: remember the resolution for when the group opens.
            s.execute("UPDATE incident_group_alerts SET resolved_at = %s WHERE alert_id = %s "
                      "AND resolved_at IS NULL", (resolved_at, payload["alertId"]))
            return None
        if repo.mark_alert_resolved(s, payload["alertId"], resolved_at):
            repo.add_timeline(s, incident_id, actor=ACTOR, kind=Kind.ALERT_RESOLVED, detail={
                "alertId": payload["alertId"], "ruleName": payload.get("ruleName"),
                "resolvedAt": payload["resolvedAt"]})
    return incident_id
