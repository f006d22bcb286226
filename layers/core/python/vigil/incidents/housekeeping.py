"""Daily pruning of bookkeeping rows that only matter for a while: alerts that never formed a
group (long past any window or SQS redelivery) and outbox events already published."""

from __future__ import annotations

from vigil.db import Database

KEEP_DAYS = 14  # well past SQS retention (4 days), so a redelivery still finds its alert


def prune(db: Database, *, keep_days: int = KEEP_DAYS) -> dict[str, int]:
    with db.session() as s:
        alerts = s.execute(
            "DELETE FROM incident_group_alerts WHERE incident_id IS NULL "
            "AND received_at < now() - make_interval(days => %s)", (keep_days,))
        events = s.execute(
            "DELETE FROM incident_outbox WHERE published_at IS NOT NULL "
            "AND published_at < now() - make_interval(days => %s)", (keep_days,))
    return {"groupAlerts": alerts, "outboxEvents": events}
