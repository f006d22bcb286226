"""The incidents' transactional outbox (`incident_outbox`), on the shared `vigil.events.outbox`:
events commit with the change they announce, are published after commit, and a schedule
republishes any left behind with the same event id."""

from __future__ import annotations

from vigil.events.outbox import Outbox

OUTBOX = Outbox("incident_outbox")

add = OUTBOX.add
flush = OUTBOX.flush
republish_pending = OUTBOX.republish_pending
