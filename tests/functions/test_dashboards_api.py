"""Dashboards through the API: grid, variables feeding chart parameters, versions and
rollback, dashboards as code."""

from __future__ import annotations

import pytest

from tests.functions.test_charts_api import chart_body
from tests.support.signals import new_loader_code, write_series


@pytest.fixture
def setup(operator):
    code_a, code_b = new_loader_code("DA"), new_loader_code("DB")
    for code in (code_a, code_b):
        write_series(code, [(1_700_000_000 + 60 * i, float(i)) for i in range(5)])
    template = operator.post("/api/v1/charts", chart_body(
        "${loaderCode}", chartName="Overview ${loaderCode}", isTemplate=True,
        parameters=[{"name": "loaderCode"}])).body["id"]
    fixed = operator.post("/api/v1/charts", chart_body(code_a, chartName="Fixed A")).body["id"]
    return {"template": template, "fixed": fixed, "a": code_a, "b": code_b}


def dash_body(setup, **over):
    body = {
        "name": "Payments ops",
        "description": "what the night shift watches",
        "charts": [{"chartId": setup["fixed"], "x": 0, "y": 0, "w": 6, "h": 4},
                   {"chartId": setup["template"], "x": 6, "y": 0, "w": 6, "h": 4}],
        "timeRange": {"from": "now-24h", "to": "now"},
        "refreshSeconds": 30,
        "variables": [{"name": "loaderCode", "default": setup["b"], "options": [setup["a"], setup["b"]]}],
    }
    body.update(over)
    return body


def test_create_view_with_variables_and_versions(operator, viewer, setup):
    created = operator.post("/api/v1/dashboards", dash_body(setup))
    assert created.status == 201, created
    did = created.body["id"]
    view = viewer.get(f"/api/v1/dashboards/{did}").body
    charts = {c["chartId"]: c["chart"] for c in view["resolvedCharts"]}
    assert charts[setup["template"]]["dataSource"]["params"]["loaderCode"] == setup["b"]  # the variable's default
    assert charts[setup["fixed"]]["chartName"] == "Fixed A"
    switched = viewer.get(f"/api/v1/dashboards/{did}", query={"var-loaderCode": setup["a"]}).body
    assert {c["chartId"]: c["chart"] for c in switched["resolvedCharts"]}[setup["template"]][
        "chartName"] == f"Overview {setup['a']}"

    moved = dash_body(setup, name="Payments ops (wide)", charts=[
        {"chartId": setup["fixed"], "x": 0, "y": 0, "w": 12, "h": 4},
        {"chartId": setup["template"], "x": 0, "y": 4, "w": 12, "h": 4}], message="one per row")
    assert operator.put(f"/api/v1/dashboards/{did}", moved).body["version"] == 2
    history = viewer.get(f"/api/v1/dashboards/{did}/versions").body
    assert [(v["version"], v["message"]) for v in history["items"]] == [(2, "one per row"), (1, "created")]

    changes = viewer.get(f"/api/v1/dashboards/{did}/versions/diff", query={"from": 1, "to": 2}).body["changes"]
    paths = {c["path"] for c in changes}
    assert {f"charts.{setup['fixed']}.w", f"charts.{setup['template']}.x", f"charts.{setup['template']}.y",
            "name"} <= paths

    rolled = operator.post(f"/api/v1/dashboards/{did}/rollback/1", {"message": "wide was a mistake"})
    assert rolled.status == 200 and rolled.body["version"] == 3
    assert rolled.body["definition"]["charts"] == [{**c, "params": {}} for c in dash_body(setup)["charts"]]
    assert viewer.get(f"/api/v1/dashboards/{did}/versions").body["items"][0]["message"] == "wide was a mistake"
    assert viewer.get(f"/api/v1/dashboards/{did}/versions/9").status == 404


def test_bad_layouts_and_unresolved_parameters_are_400_with_paths(operator, setup):
    overlap = operator.post("/api/v1/dashboards", dash_body(setup, charts=[
        {"chartId": setup["fixed"], "x": 0, "y": 0, "w": 6, "h": 4},
        {"chartId": setup["fixed"], "x": 4, "y": 2, "w": 6, "h": 4}]))
    assert overlap.status == 400 and overlap.body["error"]["details"][0]["field"] == "body.charts[1]"

    beyond = operator.post("/api/v1/dashboards", dash_body(setup, charts=[
        {"chartId": setup["fixed"], "x": 8, "y": 0, "w": 6, "h": 4}]))
    assert beyond.status == 400 and beyond.body["error"]["details"][0]["field"] == "body.charts[0].w"

    ghost = operator.post("/api/v1/dashboards", dash_body(setup, charts=[
        {"chartId": "00000000-0000-0000-0000-000000000001", "x": 0, "y": 0, "w": 6, "h": 4}]))
    assert ghost.status == 400 and ghost.body["error"]["details"][0]["field"] == "body.charts[0].chartId"

    unresolved = operator.post("/api/v1/dashboards", dash_body(setup, variables=[]))
    assert unresolved.status == 400
    assert unresolved.body["error"]["details"][0]["field"].startswith("body.charts[1].")
    assert "loaderCode" in unresolved.body["error"]["message"]


def test_export_then_import_round_trips(operator, viewer, setup):
    did = operator.post("/api/v1/dashboards", dash_body(setup)).body["id"]
    exported = viewer.get(f"/api/v1/dashboards/{did}/export").body
    assert exported["format"] == "vigil.dashboard/v1"
    assert {c["id"] for c in exported["charts"]} == {setup["fixed"], setup["template"]}

    copy = operator.post("/api/v1/dashboards/import", {"document": exported, "mode": "new"})
    assert copy.status == 201, copy
    assert copy.body["id"] != did
    again = viewer.get(f"/api/v1/dashboards/{copy.body['id']}/export").body
    id_map = {old["id"]: new["id"] for old, new in zip(exported["charts"], again["charts"], strict=True)}
    assert set(id_map) & set(id_map.values()) == set()  # all new ids
    assert [c["definition"] for c in again["charts"]] == [c["definition"] for c in exported["charts"]]
    expected = {**exported["dashboard"], "id": copy.body["id"],
                "charts": [{**c, "chartId": id_map[c["chartId"]]} for c in exported["dashboard"]["charts"]]}
    assert again["dashboard"] == expected

    # overwrite mode puts the document back over the same ids: an edit is undone as a new version
    operator.put(f"/api/v1/dashboards/{did}", dash_body(setup, name="renamed"))
    restored = operator.post("/api/v1/dashboards/import", {"document": exported, "mode": "overwrite"})
    assert restored.status == 201 and restored.body["id"] == did and restored.body["version"] == 3
    after = viewer.get(f"/api/v1/dashboards/{did}/export").body
    assert {k: v for k, v in after.items() if k != "exportedAt"} == {
        k: v for k, v in exported.items() if k != "exportedAt"}

    bad = operator.post("/api/v1/dashboards/import", {"document": {"format": "grafana"}})
    assert bad.status == 400 and bad.body["error"]["details"][0]["field"] == "body.document.format"


def test_duplicate_list_delete_and_audit(operator, viewer, admin, setup):
    did = operator.post("/api/v1/dashboards", dash_body(setup, name="Audit me")).body["id"]
    copy = operator.post(f"/api/v1/dashboards/{did}/duplicate").body
    assert copy["name"] == "Copy of Audit me"
    assert copy["definition"]["charts"] == [{**c, "params": {}} for c in dash_body(setup)["charts"]]
    listed = viewer.get("/api/v1/dashboards", query={"q": "Audit me"}).body
    assert {d["id"] for d in listed["items"]} == {did, copy["id"]}
    assert operator.delete(f"/api/v1/dashboards/{did}").status == 204
    assert viewer.get(f"/api/v1/dashboards/{did}").status == 404
    actions = [e["action"] for e in admin.get("/api/v1/audit", query={"entityId": did}).body["items"]]
    assert actions == ["dashboard.delete", "dashboard.create"]
