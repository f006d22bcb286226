"""The seed's default escalation ladder for the demo: e-mail → 5 min → SMS → 10 min → voice
→ 15 min → the managers. Idempotent: nothing is created when a default policy exists."""

from __future__ import annotations

from vigil.db import Database
from vigil.governance import audit
from vigil.notifications import repository as repo

ADVISORY_LOCK = 7_316_070
ONCALL = [{"name": "On-call engineer", "email": "oncall@example.com", "phone": "+15550100001"}]
MANAGERS = [{"name": "Duty manager", "email": "manager@example.com", "phone": "+15550100002"}]


def ladder(oncall_id: str, managers_id: str) -> list[dict]:
    oncall = [{"contactGroupId": oncall_id}]
    return [
        {"channels": ["email"], "targets": oncall, "waitSeconds": 300},
        {"channels": ["sms"], "targets": oncall, "waitSeconds": 600},
        {"channels": ["ivr"], "targets": oncall, "waitSeconds": 900},
        {"channels": ["email", "sms"], "targets": [{"contactGroupId": managers_id}], "waitSeconds": 0},
    ]


def ensure_default_ladder(db: Database) -> str | None:
    """Create the demo groups and the default policy; returns its id when created now."""
    with db.session() as s:
        s.advisory_lock(ADVISORY_LOCK)
        if any(p["is_default"] for p in repo.all_policies(s)):
            return None
        groups = {}
        for name, members in (("On-call", ONCALL), ("Managers", MANAGERS)):
            existing = [g for g in repo.list_groups(s, q=name, limit=50, offset=0)[0] if g["name"] == name]
            groups[name] = existing[0] if existing else repo.insert_group(
                s, name=name, description="demo seed", members=members, created_by="seed")
        policy = repo.insert_policy(s, fields={
            "name": "Default ladder", "description": "e-mail, SMS, voice, then the managers (demo seed)",
            "is_default": True, "levels": ladder(groups["On-call"]["id"], groups["Managers"]["id"]),
            "repeat": 0, "match": {}}, created_by="seed")
        audit.record(session=s, actor="seed", actor_role=None, action="escalation_policy.create",
                     entity_type="escalation_policy", entity_id=policy["id"], after=policy)
        return str(policy["id"])
