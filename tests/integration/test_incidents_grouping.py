"""Alert grouping: 3 alerts in a window, CRITICAL at once, window edges, resolved incidents
absorbing nothing, redelivery, concurrent consumers, and the path through the queue."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from vigil.events import publisher
from vigil.events.catalog import make
from vigil.incidents import grouping, service
from vigil.incidents.models import Status

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _loader() -> str:
    return f"LD-{uuid.uuid4().hex[:8]}"


def _alert(loader: str, at: datetime, severity: str = "HIGH", **over):
    payload = {"alertId": f"a-{uuid.uuid4().hex[:10]}", "ruleId": "r-1", "ruleName": "row count drop",
               "loaderCode": loader, "severity": severity, "triggeredAt": at.isoformat(),
               "currentValue": 3.0, "threshold": 10.0, "chartId": "c-1", **over}
    return make("alert.triggered", payload)


def _incidents(db, loader: str) -> list[dict]:
    return db.fetch_all("SELECT id::text AS id, status, severity, source, title FROM incidents "
                        "WHERE group_key LIKE %s ORDER BY created_at", (f"loaderCode={loader}|%",))


def _links(db, incident_id: str) -> list[str]:
    return [r["alert_id"] for r in db.fetch_all(
        "SELECT alert_id FROM incident_alerts WHERE incident_id = %s::uuid ORDER BY triggered_at", (incident_id,))]


def test_three_alerts_within_the_window_open_one_incident(db):
    loader = _loader()
    alerts = [_alert(loader, T0 + timedelta(minutes=m)) for m in (0, 4, 9)]
    outcomes = [grouping.on_alert_triggered(db, a) for a in alerts]
    assert [o.action for o in outcomes] == ["pending", "pending", "opened"]
    [incident] = _incidents(db, loader)
    assert incident["source"] == "grouping" and incident["status"] == "NEW" and incident["severity"] == "HIGH"
    assert incident["title"] == f"row count drop on {loader}"
    assert _links(db, incident["id"]) == [a.payload["alertId"] for a in alerts]
    # the incident announces its alerts
    created = db.fetch_one("SELECT envelope->'payload' AS p FROM incident_outbox WHERE event_type = "
                           "'incident.created' AND envelope->'payload'->>'incidentId' = %s", (incident["id"],))
    assert created["p"]["alertIds"] == [a.payload["alertId"] for a in alerts]
    # later alerts of the group attach to the open incident
    later = _alert(loader, T0 + timedelta(minutes=15))
    assert grouping.on_alert_triggered(db, later).incident_id == incident["id"]
    assert len(_links(db, incident["id"])) == 4
    update = db.fetch_one("SELECT envelope->'payload' AS p FROM incident_outbox WHERE event_type = "
                          "'incident.updated' AND envelope->'payload'->>'incidentId' = %s", (incident["id"],))
    assert update["p"]["changes"] == {"alertCount": {"from": 3, "to": 4},
                                      "alertIds": {"from": [], "to": [later.payload["alertId"]]}}
    kinds = [e.kind for e in service.timeline(db, incident_id=incident["id"], page=0, size=50)[0]]
    assert kinds == ["created", "alert_linked", "alert_linked", "alert_linked", "alert_linked"]


def test_two_alerts_or_other_keys_do_not_open_an_incident(db):
    loader = _loader()
    grouping.on_alert_triggered(db, _alert(loader, T0))
    grouping.on_alert_triggered(db, _alert(loader, T0 + timedelta(minutes=1)))
    # same loader, other severity: another group
    grouping.on_alert_triggered(db, _alert(loader, T0 + timedelta(minutes=2), severity="WARNING"))
    # same severity, other loader: another group
    grouping.on_alert_triggered(db, _alert(_loader(), T0 + timedelta(minutes=2)))
    assert _incidents(db, loader) == []


def test_a_critical_alert_opens_an_incident_at_once(db):
    loader = _loader()
    outcome = grouping.on_alert_triggered(db, _alert(loader, T0, severity="CRITICAL"))
    assert outcome.action == "opened"
    [incident] = _incidents(db, loader)
    assert incident["severity"] == "CRITICAL"


def test_the_window_edges_are_inclusive(db):
    loader = _loader()
    # exactly 10 minutes from first to third: one group
    for m in (0, 5, 10):
        outcome = grouping.on_alert_triggered(db, _alert(loader, T0 + timedelta(minutes=m)))
    assert outcome.action == "opened"

    other = _loader()
    # 10 minutes and 1 second: the first falls out of the window
    for s in (0, 300, 601):
        outcome = grouping.on_alert_triggered(db, _alert(other, T0 + timedelta(seconds=s)))
    assert outcome.action == "pending"
    assert _incidents(db, other) == []
    # a fourth one inside the window of the last two completes a group of three
    outcome = grouping.on_alert_triggered(db, _alert(other, T0 + timedelta(seconds=700)))
    assert outcome.action == "opened"
    assert len(_links(db, outcome.incident_id)) == 3


def test_out_of_order_delivery_still_groups(db):
    loader = _loader()
    for m in (9, 0, 5):
        outcome = grouping.on_alert_triggered(db, _alert(loader, T0 + timedelta(minutes=m)))
    assert outcome.action == "opened" and len(_links(db, outcome.incident_id)) == 3


def test_a_resolved_incident_absorbs_nothing_and_a_new_group_starts(db):
    loader = _loader()
    first = grouping.on_alert_triggered(db, _alert(loader, T0, severity="CRITICAL")).incident_id
    service.change_status(db, incident_id=first, status=Status.INVESTIGATING, actor="ops")
    service.change_status(db, incident_id=first, status=Status.RESOLVED, note="fixed", actor="ops")
    second = grouping.on_alert_triggered(db, _alert(loader, T0 + timedelta(minutes=1), severity="CRITICAL"))
    assert second.action == "opened" and second.incident_id != first
    assert len(_links(db, first)) == 1


def test_redelivery_never_duplicates_a_link_or_an_incident(db):
    loader = _loader()
    alerts = [_alert(loader, T0 + timedelta(minutes=m)) for m in (0, 1, 2)]
    for a in alerts:
        grouping.on_alert_triggered(db, a)
    for a in alerts:  # the same events again, and the same alert in a new envelope
        assert grouping.on_alert_triggered(db, a).action == "duplicate"
    again = make("alert.triggered", alerts[0].payload)
    assert grouping.on_alert_triggered(db, again).action == "duplicate"
    [incident] = _incidents(db, loader)
    assert len(_links(db, incident["id"])) == 3
    assert db.scalar("SELECT count(*) FROM incident_outbox WHERE event_type = 'incident.created' "
                     "AND envelope->'payload'->>'incidentId' = %s", (incident["id"],)) == 1


@pytest.mark.parametrize("severity,count", [("HIGH", 6), ("CRITICAL", 4)])
def test_concurrent_consumers_of_one_group_create_one_incident(db, severity, count):
    loader = _loader()
    alerts = [_alert(loader, T0 + timedelta(seconds=10 * i), severity=severity) for i in range(count)]
    barrier = threading.Barrier(count)
    outcomes, failures = [], []

    def consume(envelope):
        try:
            barrier.wait()
            outcomes.append(grouping.on_alert_triggered(db, envelope))
        except Exception as exc:  # surfaced below
            failures.append(exc)

    threads = [threading.Thread(target=consume, args=(a,)) for a in alerts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert failures == []
    [incident] = _incidents(db, loader)
    assert sorted(_links(db, incident["id"])) == sorted(a.payload["alertId"] for a in alerts)
    assert sum(o.action == "opened" for o in outcomes) == 1


def test_the_policy_is_configurable(db):
    from vigil.settings import get_settings

    policy = grouping.Policy.from_settings(get_settings().model_copy(update={
        "incident_group_keys": "loaderCode", "incident_group_threshold": 2,
        "incident_group_window_seconds": 60}))
    loader = _loader()
    # different severities share a group when severity is not a key; two alerts suffice
    assert grouping.on_alert_triggered(db, _alert(loader, T0), policy=policy).action == "pending"
    outcome = grouping.on_alert_triggered(db, _alert(loader, T0 + timedelta(seconds=60), severity="WARNING"),
                                          policy=policy)
    assert outcome.action == "opened"
    assert db.scalar("SELECT severity FROM incidents WHERE id = %s::uuid", (outcome.incident_id,)) == "HIGH"
    with pytest.raises(Exception, match="INCIDENT_GROUP_KEYS"):
        grouping.Policy.from_settings(get_settings().model_copy(update={"incident_group_keys": "colour"}))


def test_alert_resolved_goes_on_the_timeline_once(db):
    loader = _loader()
    alert = _alert(loader, T0, severity="CRITICAL")
    incident_id = grouping.on_alert_triggered(db, alert).incident_id
    resolved = make("alert.resolved", {"alertId": alert.payload["alertId"], "ruleId": "r-1",
                                       "ruleName": "row count drop", "loaderCode": loader,
                                       "severity": "CRITICAL", "resolvedAt": (T0 + timedelta(minutes=7)).isoformat()})
    assert grouping.on_alert_resolved(db, resolved) == incident_id
    assert grouping.on_alert_resolved(db, resolved) == incident_id
    entries = service.timeline(db, incident_id=incident_id, page=0, size=50)[0]
    assert [e.kind for e in entries].count("alert_resolved") == 1
    detail = service.get_detail(db, incident_id=incident_id)
    assert detail.alerts[0].resolved_at == T0 + timedelta(minutes=7)


def test_a_malformed_time_is_refused(db):
    bad = _alert(_loader(), T0)
    bad.payload["triggeredAt"] = "yesterday"
    with pytest.raises(Exception, match="triggeredAt"):
        grouping.on_alert_triggered(db, bad)


@pytest.fixture(scope="module")
def runtime(services):
    from vigil.local.runtime import LocalRuntime
    from vigil.settings import get_settings

    # Only the incidents app, so other services' pollers do not share this test's time.
    rt = LocalRuntime(get_settings(), serve=False, only=["incidents"]).start()
    yield rt
    rt.stop()


def test_alert_events_on_the_bus_reach_the_grouper_through_the_queue(runtime, db):
    loader = _loader()
    alert = _alert(loader, datetime.now(UTC), severity="CRITICAL")
    publisher.put_envelopes([alert])
    deadline = time.time() + 20
    while time.time() < deadline and not _incidents(db, loader):
        time.sleep(0.1)
    [incident] = _incidents(db, loader)
    assert _links(db, incident["id"]) == [alert.payload["alertId"]]
    publisher.publish("alert.resolved", {"alertId": alert.payload["alertId"], "ruleId": "r-1",
                                         "loaderCode": loader, "severity": "CRITICAL",
                                         "resolvedAt": datetime.now(UTC).isoformat()})
    while time.time() < deadline and db.scalar(
            "SELECT resolved_at FROM incident_alerts WHERE alert_id = %s", (alert.payload["alertId"],)) is None:
        time.sleep(0.1)
    assert db.scalar("SELECT resolved_at FROM incident_alerts WHERE alert_id = %s",
                     (alert.payload["alertId"],)) is not None


def test_housekeeping_prunes_only_old_unlinked_alerts_and_published_events(db):
    from vigil.incidents import housekeeping

    loader = _loader()
    lonely = _alert(loader, T0)
    grouping.on_alert_triggered(db, lonely)
    linked = grouping.on_alert_triggered(db, _alert(loader, T0, severity="CRITICAL"))
    db.execute("UPDATE incident_group_alerts SET received_at = now() - interval '30 days' "
               "WHERE group_key LIKE %s", (f"loaderCode={loader}|%",))
    counts = housekeeping.prune(db)
    assert counts["groupAlerts"] >= 1
    assert db.scalar("SELECT count(*) FROM incident_group_alerts WHERE alert_id = %s",
                     (lonely.payload["alertId"],)) == 0
    # the alert that opened an incident stays: redelivery must still see it
    assert db.scalar("SELECT count(*) FROM incident_group_alerts WHERE incident_id = %s::uuid",
                     (linked.incident_id,)) == 1


def test_an_alert_resolved_while_its_group_waits_shows_resolved_in_the_incident(db):
    loader = _loader()
    first = _alert(loader, T0)
    grouping.on_alert_triggered(db, first)
    resolved_at = T0 + timedelta(minutes=2)
    assert grouping.on_alert_resolved(db, make("alert.resolved", {
        "alertId": first.payload["alertId"], "ruleId": "r-1", "loaderCode": loader, "severity": "HIGH",
        "resolvedAt": resolved_at.isoformat()})) is None
    for m in (3, 4):
        outcome = grouping.on_alert_triggered(db, _alert(loader, T0 + timedelta(minutes=m)))
    assert outcome.action == "opened"  # the resolved alert still counts: it fired
    alerts = service.get_detail(db, incident_id=outcome.incident_id).alerts
    assert [a.resolved_at for a in alerts] == [resolved_at, None, None]
