"""End to end through the local runtime: the incidents API publishes on the bus, the rule routes
to the integrations-jira queue, the poller feeds the integrations app, and the Jira double sees
the issue created and then transitioned."""

from __future__ import annotations

import pytest

from tests.support.jira_double import JiraDouble
from tests.support.jira_helpers import QUEUE, configure, mapping
from tests.support.queues import purge
from tests.support.wait import eventually
from vigil.local.runtime import LocalRuntime
from vigil.settings import get_settings


@pytest.fixture(scope="module")
def runtime(services):
    purge(QUEUE)  # earlier tests' incident events would otherwise be worked off first
    # Only the integrations app's pollers run: other teams' consumers are not disturbed.
    rt = LocalRuntime(get_settings(), only=["integrations"], serve=False).start()
    yield rt
    rt.stop()


@pytest.fixture(scope="module")
def double(services):
    d = JiraDouble("CLOUD", project="E2E").start()
    yield d
    d.stop()




def test_an_incident_opened_and_worked_in_vigil_appears_and_moves_in_jira(runtime, double, operator):
    configure(double)
    created = operator.post("/api/v1/incidents", {"title": "Payments down", "severity": "CRITICAL"})
    assert created.status == 201, created
    incident_id = created.body["id"]

    row = eventually(lambda: (m := mapping(incident_id)) and m["jira_key"] and m)
    assert row and row["status"] == "SYNCED"
    key = row["jira_key"]
    assert double.issues[key]["fields"]["priority"] == {"name": "Highest"}
    detail = operator.get(f"/api/v1/incidents/{incident_id}")
    assert detail.body["externalTicket"]["key"] == key

    moved = operator.put(f"/api/v1/incidents/{incident_id}/status", {"status": "INVESTIGATING"})
    assert moved.status == 200, moved
    assert eventually(lambda: double.issues[key]["fields"]["status"]["name"] == "In Progress")
    assert len(double.creates) == 1
