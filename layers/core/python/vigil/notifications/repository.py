"""SQL for contact groups, escalation policies, escalations, deliveries and the delivery log."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from vigil import db
from vigil.db import Row, Session
from vigil.querying import Where, page

_GROUP = "id::text AS id, name, description, members, created_at, updated_at"
_POLICY = "id::text AS id, name, description, is_default, levels, repeat, match, created_at, updated_at"
_ESC = ("id::text AS id, subject_type, subject_id, policy_id::text AS policy_id, status, execution_arn, "
        "steps, context, acknowledged_by, created_at, started_at, stopped_at")
_DELIVERY = ("id::text AS id, idempotency_key, event_id, escalation_id::text AS escalation_id, level, "
             "channel, provider, recipient, template, subject_type, subject_id, status, attempts, "
             "provider_message_id, error, claimed_at, created_at, sent_at, delivered_at")
_LOG = ("id, delivery_id::text AS delivery_id, attempt, channel, provider, recipient, template, status, "
        "error, event_id, subject_type, subject_id, level, created_at, sent_at, delivered_at")


# -- contact groups -----------------------------------------------------------------------

def insert_group(s: Session, *, name: str, description: str | None, members: list[dict[str, Any]],
                 created_by: str | None) -> Row:
    row = s.fetch_one(
        f"INSERT INTO contact_groups (name, description, members, created_by) VALUES (%s, %s, %s, %s) "
        f"RETURNING {_GROUP}", (name, description, db.json(members), created_by))
    assert row is not None
    return row


def get_group(s: Session, group_id: str, *, lock: bool = False) -> Row | None:
    return s.fetch_one(f"SELECT {_GROUP} FROM contact_groups WHERE id::text = %s"
                       + (" FOR UPDATE" if lock else ""), (group_id,))


def groups_by_ids(s: Session, ids: list[str]) -> dict[str, Row]:
    rows = s.fetch_all(f"SELECT {_GROUP} FROM contact_groups WHERE id::text = ANY(%s)", (ids,))
    return {r["id"]: r for r in rows}


def list_groups(s: Session, *, q: str | None, limit: int, offset: int) -> tuple[list[Row], int]:
    return page(s, select=_GROUP, source="contact_groups", where=Where().contains(["name"], q),
                order_by="lower(name)", limit=limit, offset=offset)


def update_group(s: Session, group_id: str, *, name: str, description: str | None,
                 members: list[dict[str, Any]]) -> Row | None:
    return s.fetch_one(
        f"UPDATE contact_groups SET name = %s, description = %s, members = %s, updated_at = now() "
        f"WHERE id::text = %s RETURNING {_GROUP}", (name, description, db.json(members), group_id))


def delete_group(s: Session, group_id: str) -> int:
    return s.execute("DELETE FROM contact_groups WHERE id::text = %s", (group_id,))


def policies_using_group(s: Session, group_id: str) -> list[str]:
    probe = json.dumps([{"targets": [{"contactGroupId": group_id}]}])
    rows = s.fetch_all("SELECT name FROM escalation_policies WHERE levels @> %s::jsonb ORDER BY name",
                       (probe,))
    return [r["name"] for r in rows]


# -- escalation policies ------------------------------------------------------------------

def insert_policy(s: Session, *, fields: dict[str, Any], created_by: str | None) -> Row:
    row = s.fetch_one(
        f"INSERT INTO escalation_policies (name, description, is_default, levels, repeat, match, created_by) "
        f"VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING {_POLICY}",
        (fields["name"], fields["description"], fields["is_default"], db.json(fields["levels"]),
         fields["repeat"], db.json(fields["match"]), created_by))
    assert row is not None
    return row


def get_policy(s: Session, policy_id: str, *, lock: bool = False) -> Row | None:
    return s.fetch_one(f"SELECT {_POLICY} FROM escalation_policies WHERE id::text = %s"
                       + (" FOR UPDATE" if lock else ""), (policy_id,))


def all_policies(s: Session) -> list[Row]:
    return s.fetch_all(f"SELECT {_POLICY} FROM escalation_policies ORDER BY created_at, id")


def list_policies(s: Session, *, q: str | None, limit: int, offset: int) -> tuple[list[Row], int]:
    return page(s, select=_POLICY, source="escalation_policies", where=Where().contains(["name"], q),
                order_by="lower(name)", limit=limit, offset=offset)


def update_policy(s: Session, policy_id: str, *, fields: dict[str, Any]) -> Row | None:
    return s.fetch_one(
        f"UPDATE escalation_policies SET name = %s, description = %s, is_default = %s, levels = %s, "
        f"repeat = %s, match = %s, updated_at = now() WHERE id::text = %s RETURNING {_POLICY}",
        (fields["name"], fields["description"], fields["is_default"], db.json(fields["levels"]),
         fields["repeat"], db.json(fields["match"]), policy_id))


def clear_default(s: Session, *, except_id: str | None = None) -> None:
    s.execute("UPDATE escalation_policies SET is_default = false WHERE is_default AND id::text <> %s",
              (except_id or "",))


def delete_policy(s: Session, policy_id: str) -> int:
    return s.execute("DELETE FROM escalation_policies WHERE id::text = %s", (policy_id,))


# -- users (read only: addresses of user targets and assignees) ----------------------------

def users_by_ids(s: Session, ids: list[str]) -> dict[str, Row]:
    rows = s.fetch_all("SELECT id::text AS id, username, email FROM users WHERE id::text = ANY(%s)", (ids,))
    return {r["id"]: r for r in rows}


def user_by_ref(s: Session, ref: str) -> Row | None:
    return s.fetch_one("SELECT id::text AS id, username, email FROM users "
                       "WHERE lower(username) = lower(%s) OR id::text = %s LIMIT 1", (ref, ref))


# -- escalations --------------------------------------------------------------------------

def lock_or_create_escalation(s: Session, *, escalation_id: str, subject_type: str, subject_id: str,
                              status: str) -> Row:
    s.execute("INSERT INTO notification_escalations (id, subject_type, subject_id, status) "
              "VALUES (%s, %s, %s, %s) ON CONFLICT (subject_type, subject_id) DO NOTHING",
              (escalation_id, subject_type, subject_id, status))
    row = s.fetch_one(f"SELECT {_ESC} FROM notification_escalations WHERE subject_type = %s AND "
                      f"subject_id = %s FOR UPDATE", (subject_type, subject_id))
    assert row is not None
    return row


def update_escalation(s: Session, escalation_id: str, fields: dict[str, Any]) -> Row | None:
    allowed = {"policy_id", "status", "execution_arn", "steps", "context", "acknowledged_by", "started_at",
               "stopped_at"}
    sets = [f"{k} = %s" for k in fields if k in allowed]
    values = [db.json(v) if k == "context" else v for k, v in fields.items() if k in allowed]
    return s.fetch_one(f"UPDATE notification_escalations SET {', '.join(sets)} WHERE id::text = %s "
                       f"RETURNING {_ESC}", (*values, escalation_id))


def get_escalation(s: Session, escalation_id: str) -> Row | None:
    return s.fetch_one(f"SELECT {_ESC} FROM notification_escalations WHERE id::text = %s", (escalation_id,))


def find_escalation(s: Session, subject_type: str, subject_id: str) -> Row | None:
    return s.fetch_one(f"SELECT {_ESC} FROM notification_escalations WHERE subject_type = %s AND subject_id = %s",
                       (subject_type, subject_id))


def list_escalations(s: Session, *, subject_type: str | None, subject_id: str | None, status: str | None,
                     limit: int, offset: int) -> tuple[list[Row], int]:
    where = Where().equals("subject_type", subject_type).equals("subject_id", subject_id).equals("status", status)
    return page(s, select=_ESC, source="notification_escalations", where=where, order_by="created_at DESC, id",
                limit=limit, offset=offset)


# -- deliveries and the log ---------------------------------------------------------------

def claim_delivery(s: Session, fields: dict[str, Any]) -> tuple[Row, bool]:
    """(row locked FOR UPDATE, created now). The idempotency key decides."""
    cols = ("idempotency_key", "event_id", "escalation_id", "level", "channel", "provider", "recipient",
            "template", "subject_type", "subject_id")
    created = s.fetch_one(
        f"INSERT INTO notification_deliveries ({', '.join(cols)}, status, claimed_at) "
        f"VALUES ({', '.join(['%s'] * len(cols))}, 'queued', now()) "
        f"ON CONFLICT (idempotency_key) DO NOTHING RETURNING id::text AS id",
        tuple(fields.get(c) for c in cols))
    row = s.fetch_one(f"SELECT {_DELIVERY} FROM notification_deliveries WHERE idempotency_key = %s FOR UPDATE",
                      (fields["idempotency_key"],))
    assert row is not None
    return row, created is not None


def update_delivery(s: Session, delivery_id: str, fields: dict[str, Any]) -> None:
    allowed = {"status", "attempts", "provider", "provider_message_id", "error", "claimed_at", "sent_at",
               "delivered_at"}
    sets = [f"{k} = %s" for k in fields if k in allowed]
    values = [v for k, v in fields.items() if k in allowed]
    s.execute(f"UPDATE notification_deliveries SET {', '.join(sets)}, updated_at = now() WHERE id::text = %s",
              (*values, delivery_id))


def insert_attempt(s: Session, delivery: Row, *, attempt: int, provider: str) -> int:
    return int(s.scalar(
        "INSERT INTO notification_log (delivery_id, attempt, channel, provider, recipient, template, status, "
        "event_id, subject_type, subject_id, level) VALUES (%s, %s, %s, %s, %s, %s, 'queued', %s, %s, %s, %s) "
        "RETURNING id",
        (delivery["id"], attempt, delivery["channel"], provider, delivery["recipient"], delivery["template"],
         delivery["event_id"], delivery["subject_type"], delivery["subject_id"], delivery["level"])))


def finish_attempt(s: Session, log_id: int, *, status: str, error: str | None,
                   sent_at: datetime | None, delivered_at: datetime | None) -> None:
    s.execute("UPDATE notification_log SET status = %s, error = %s, sent_at = %s, delivered_at = %s "
              "WHERE id = %s", (status, error, sent_at, delivered_at, log_id))


def apply_status(s: Session, *, provider: str, message_id: str, status: str, error: str | None) -> int:
    """Record a reported status on the delivery and its last attempt; never moves backwards."""
    row = s.fetch_one(
        "UPDATE notification_deliveries SET status = %s, error = coalesce(%s, error), "
        "delivered_at = CASE WHEN %s = 'delivered' THEN coalesce(delivered_at, now()) ELSE delivered_at END, "
        "updated_at = now() WHERE provider = %s AND provider_message_id = %s AND status IN ('sent', 'queued') "
        "RETURNING id::text AS id, attempts", (status, error, status, provider, message_id))
    if row is None:
        return 0
    s.execute("UPDATE notification_log SET status = %s, error = coalesce(%s, error), "
              "delivered_at = CASE WHEN %s = 'delivered' THEN now() ELSE delivered_at END "
              "WHERE delivery_id = %s AND attempt = %s", (status, error, status, row["id"], row["attempts"]))
    return 1


def deliveries_to_poll(s: Session, *, providers: list[str], sent_after: datetime, sent_before: datetime,
                       limit: int) -> list[Row]:
    """Oldest first within the window; a poll that learns nothing moves the row to the back."""
    return s.fetch_all(
        f"SELECT {_DELIVERY} FROM notification_deliveries WHERE status = 'sent' AND provider = ANY(%s) "
        f"AND sent_at > %s AND sent_at < %s ORDER BY updated_at LIMIT %s",
        (providers, sent_after, sent_before, limit))


def touch_delivery(s: Session, delivery_id: str) -> None:
    s.execute("UPDATE notification_deliveries SET updated_at = now() WHERE id::text = %s", (delivery_id,))


def notified_recipients(s: Session, *, subject_type: str, subject_id: str, channel: str) -> list[str]:
    rows = s.fetch_all("SELECT DISTINCT recipient FROM notification_deliveries WHERE subject_type = %s AND "
                       "subject_id = %s AND channel = %s AND status IN ('sent', 'delivered') ORDER BY recipient",
                       (subject_type, subject_id, channel))
    return [r["recipient"] for r in rows]


def search_log(s: Session, *, filters: dict[str, Any], since: datetime | None, until: datetime | None,
               limit: int, offset: int) -> tuple[list[Row], int]:
    where = Where()
    for column, value in filters.items():
        where.equals(column, value)
    where.at_least("created_at", since).before("created_at", until)
    return page(s, select=_LOG, source="notification_log", where=where, order_by="created_at DESC, id DESC",
                limit=limit, offset=offset)
