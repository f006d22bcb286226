"""Transactional outbox for incident events.

`add()` stores the event in the same transaction as the change it announces; `flush()`
publishes after commit. If publishing fails (or the process dies in between), the row stays
pending and `republish_pending()` (scheduled) sends it later with the same event id.
"""

from __future__ import annotations

import json
from typing import Any

from vigil import aws, errors
from vigil import db as db_adapter
from vigil.db import Database, Session
from vigil.events import catalog, publisher
from vigil.logging import correlation_id, get_logger

log = get_logger(__name__)


def add(s: Session, event_type: str, payload: dict[str, Any]) -> catalog.Envelope:
    envelope = catalog.make(event_type, payload, correlation_id=correlation_id.get())
    s.execute(
        "INSERT INTO incident_outbox (id, event_type, envelope) VALUES (%s, %s, %s)",
        (envelope.id, event_type, db_adapter.json(json.loads(envelope.to_json()))),
    )
    return envelope


def flush(db: Database, envelopes: list[catalog.Envelope]) -> None:
    """Publish committed events; failures are logged and left for the republisher."""
    if not envelopes:
        return
    try:
        publisher.put_envelopes(envelopes)
    except (errors.DependencyUnavailable, aws.BotoCoreError, aws.ClientErrorType) as exc:
        log.warning("incident events left in the outbox", extra={"error": str(exc)})
        return
    db.execute("UPDATE incident_outbox SET published_at = now() WHERE id = ANY(%s::uuid[])",
               ([e.id for e in envelopes],))


def republish_pending(db: Database, *, older_than_seconds: int = 30, limit: int = 100) -> int:
    rows = db.fetch_all(
        "SELECT envelope FROM incident_outbox WHERE published_at IS NULL "
        "AND created_at < now() - make_interval(secs => %s) ORDER BY created_at LIMIT %s",
        (older_than_seconds, limit),
    )
    envelopes = [catalog.Envelope.model_validate(r["envelope"]) for r in rows]
    flush(db, envelopes)
    return len(envelopes)
