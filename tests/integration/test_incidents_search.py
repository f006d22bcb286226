"""Incident list: filters, full-text search over title, description and notes, paging,
and the CSV export with the same filters and proper escaping."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest

BASE = "/api/v1/incidents"


@pytest.fixture(scope="module")
def world(services, users):
    """Incidents of one loader code of this module, so other tests' rows never interfere."""
    from tests.support.client import ApiClient
    from vigil.local.apps import load_all
    from vigil.local.gateway import Gateway

    op = ApiClient(Gateway(load_all())).as_user(users["OPERATOR"].token)
    loader = f"SRCH-{uuid.uuid4().hex[:6]}"
    made = {}

    def create(name, **body):
        res = op.post(BASE, {"loaderCode": loader, **body})
        assert res.status == 201, res
        made[name] = res.body
        return res.body

    create("disk", title="Disk full on ledger database", description="volume /var at 100 percent",
           severity="HIGH", assignee=users["ADMIN"].username)
    create("latency", title="Payment latency", description="p99 above 2 seconds", severity="CRITICAL")
    create("evil", title='=HYPERLINK("http://x","click"), "quoted", comma', severity="WARNING",
           description="line one\nline two")
    note = op.post(f"{BASE}/{made['latency']['id']}/notes", {"text": "root cause: exhausted connection pool"})
    assert note.status == 201
    op.put(f"{BASE}/{made['latency']['id']}/status", {"status": "INVESTIGATING"})
    return op, loader, made


def _ids(res) -> list[str]:
    assert res.status == 200, res
    return [i["id"] for i in res.body["items"]]


def test_full_text_search_covers_title_description_and_notes(world, viewer):
    _, loader, made = world
    assert _ids(viewer.get(BASE, query={"q": "ledger", "loaderCode": loader})) == [made["disk"]["id"]]
    # stemming: "volumes" finds "volume" in the description
    assert _ids(viewer.get(BASE, query={"q": "volumes", "loaderCode": loader})) == [made["disk"]["id"]]
    # a note's words find the incident
    assert _ids(viewer.get(BASE, query={"q": "connection pool", "loaderCode": loader})) == [made["latency"]["id"]]
    assert _ids(viewer.get(BASE, query={"q": "nothing-matches-this", "loaderCode": loader})) == []


def test_filters_combine(world, viewer, users):
    _, loader, made = world
    assert _ids(viewer.get(BASE, query={"status": "INVESTIGATING", "loaderCode": loader})) == [made["latency"]["id"]]
    both = viewer.get(BASE, query={"severity": ["HIGH", "WARNING"], "loaderCode": loader})
    assert sorted(_ids(both)) == sorted([made["disk"]["id"], made["evil"]["id"]])
    assert _ids(viewer.get(BASE, query={"assignee": users["ADMIN"].username, "loaderCode": loader})) == [
        made["disk"]["id"]]
    later = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    earlier = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _ids(viewer.get(BASE, query={"from": later, "loaderCode": loader})) == []
    assert len(_ids(viewer.get(BASE, query={"from": earlier, "to": later, "loaderCode": loader}))) == 3


def test_paging_newest_first(world, viewer):
    _, loader, made = world
    first = viewer.get(BASE, query={"loaderCode": loader, "size": 2})
    assert first.body["total"] == 3 and first.body["size"] == 2 and first.body["page"] == 0
    assert _ids(first) == [made["evil"]["id"], made["latency"]["id"]]
    assert _ids(viewer.get(BASE, query={"loaderCode": loader, "size": 2, "page": 1})) == [made["disk"]["id"]]


def test_bad_filters_are_400(viewer):
    assert viewer.get(BASE, query={"status": "SLEEPING"}).status == 400
    assert viewer.get(BASE, query={"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}).status == 400
    res = viewer.get(BASE, query={"colour": "red"})
    assert res.status == 400 and res.body["error"]["details"][0]["field"] == "query.colour"


def test_csv_export_uses_the_filters_and_escapes(world, viewer):
    _, loader, made = world
    res = viewer.get(f"{BASE}/export.csv", query={"loaderCode": loader})
    assert res.status == 200
    assert res.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in res.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(res.raw.decode())))
    assert [r["Id"] for r in rows] == [made["evil"]["id"], made["latency"]["id"], made["disk"]["id"]]
    evil = rows[0]
    # quotes, commas and line breaks survive the round trip; the formula is neutralised
    assert evil["Title"] == "'" + made["evil"]["title"]
    assert evil["Description"] == "line one\nline two"
    assert rows[1]["Status"] == "INVESTIGATING" and rows[1]["Severity"] == "CRITICAL"
    filtered = viewer.get(f"{BASE}/export.csv", query={"loaderCode": loader, "q": "ledger"})
    assert [r["Id"] for r in csv.DictReader(io.StringIO(filtered.raw.decode()))] == [made["disk"]["id"]]
