"""Transactional outbox: an event is stored in the same transaction as the change it
announces and published after commit; rows left unpublished (a failed put, a crash in
between) are sent later by `republish_pending`, with the same event id, so consumers'
idempotency absorbs any duplicate. One table per producing domain, same shape:
`(id uuid, event_type text, envelope jsonb, created_at, published_at)`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from vigil import aws, errors
from vigil import db as db_adapter
from vigil.db import Database, Session
from vigil.events import catalog, publisher
from vigil.logging import correlation_id, get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class Outbox:
    table: str  # a trusted identifier from our code

    def add(self, s: Session, event_type: str, payload: Any, *, correlation: str | None = None) -> catalog.Envelope:
        envelope = catalog.make(event_type, payload, correlation_id=correlation or correlation_id.get())
        s.execute(
            f"INSERT INTO {self.table} (id, event_type, envelope) VALUES (%s, %s, %s)",
            (envelope.id, event_type, db_adapter.json(json.loads(envelope.to_json()))),
        )
        return envelope

    def flush(self, db: Database, envelopes: list[catalog.Envelope]) -> int:
        """Publish committed events; a failure is logged and left for the republisher."""
        if not envelopes:
            return 0
        try:
            publisher.put_envelopes(envelopes)
        except (errors.DependencyUnavailable, *aws.AwsError) as exc:
            log.warning("events left in the outbox", extra={"outbox": self.table, "error": str(exc)})
            return 0
        db.execute(f"UPDATE {self.table} SET published_at = now() WHERE id = ANY(%s::uuid[])",
                   ([e.id for e in envelopes],))
        return len(envelopes)

    def republish_pending(self, db: Database, *, older_than_seconds: int = 30, limit: int = 500) -> int:
        rows = db.fetch_all(
            f"SELECT envelope FROM {self.table} WHERE published_at IS NULL "
            "AND created_at < now() - make_interval(secs => %s) ORDER BY created_at LIMIT %s",
            (older_than_seconds, limit),
        )
        return self.flush(db, [catalog.Envelope.model_validate(r["envelope"]) for r in rows])
