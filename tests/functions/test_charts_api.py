"""Chart definitions through the API: schema, validation, templates and extension, versions,
diff and rollback, duplication and dependency protection."""

from __future__ import annotations

import pytest

from tests.support.signals import new_loader_code, write_series


@pytest.fixture
def loader_code():
    code = new_loader_code("CH")
    write_series(code, [(1_700_000_000 + 60 * i, float(i)) for i in range(10)])
    return code


def chart_body(loader_code: str, **over):
    body = {
        "chartName": "Payments per minute",
        "chartType": "line",
        "dataSource": {"service": "signals", "endpoint": "/api/v1/signals/query",
                       "params": {"loaderCode": loader_code, "aggregation": "avg", "bucket": "5m"}},
        "visualization": {"xAxis": "timestamp", "yAxis": ["avgVal", "maxVal"], "title": "Payments",
                          "colors": ["#2563eb"], "units": "tx", "thresholds": [{"value": 8, "label": "SLO"}]},
    }
    body.update(over)
    return body


def test_schema_is_served(viewer):
    schema = viewer.get("/api/v1/charts/schema").body
    assert "chartName" in schema["properties"]
    assert set(schema["$defs"]["Visualization"]["properties"]) >= {"xAxis", "yAxis", "thresholds", "units"}


def test_create_get_update_list_and_versions(operator, viewer, loader_code):
    created = operator.post("/api/v1/charts", chart_body(loader_code))
    assert created.status == 201, created
    cid = created.body["id"]
    assert created.body["version"] == 1 and created.body["definition"]["chartName"] == "Payments per minute"

    updated = operator.put(f"/api/v1/charts/{cid}",
                           chart_body(loader_code, chartType="area", message="area looks better"))
    assert updated.status == 200 and updated.body["version"] == 2

    history = viewer.get(f"/api/v1/charts/{cid}/versions").body
    assert [v["version"] for v in history["items"]] == [2, 1]
    assert history["items"][0]["message"] == "area looks better" and history["items"][0]["author"]

    changes = viewer.get(f"/api/v1/charts/{cid}/versions/diff", query={"from": 1, "to": 2}).body["changes"]
    assert changes == [{"path": "chartType", "op": "changed", "from": "line", "to": "area"}]

    rolled = operator.post(f"/api/v1/charts/{cid}/rollback/1")
    assert rolled.status == 200 and rolled.body["version"] == 3 and rolled.body["definition"]["chartType"] == "line"
    assert viewer.get(f"/api/v1/charts/{cid}/versions/3").body["definition"]["chartType"] == "line"

    found = viewer.get("/api/v1/charts", query={"q": "Payments", "size": 100}).body
    assert cid in [c["id"] for c in found["items"]]
    assert viewer.post("/api/v1/charts", chart_body(loader_code)).status == 403


@pytest.mark.parametrize(("change", "field"), [
    ({"chartType": "donut"}, "body.chartType"),
    ({"dataSource": {"service": "nowhere", "endpoint": "/x", "params": {"loaderCode": "A"}}},
     "body.dataSource.endpoint"),
    ({"visualization": {"yAxis": ["errorRate"]}}, "body.visualization.yAxis"),
])
def test_bad_definitions_name_the_offending_field(operator, loader_code, change, field):
    result = operator.post("/api/v1/charts", chart_body(loader_code, **change))
    assert result.status == 400, result
    assert field in {d["field"] for d in result.body["error"]["details"]}


def test_a_loader_that_does_not_exist_is_refused(operator):
    result = operator.post("/api/v1/charts", chart_body("NO_SUCH_LOADER_X"))
    assert result.status == 400
    assert result.body["error"]["details"][0]["field"] == "body.dataSource.params.loaderCode"


def test_templates_extension_and_resolution(operator, viewer, loader_code):
    template = chart_body("${loaderCode}", isTemplate=True, parameters=[{"name": "loaderCode"}],
                          chartName="Loader overview")
    tid = operator.post("/api/v1/charts", template).body["id"]
    child = operator.post("/api/v1/charts", {
        "chartName": "Overview of my loader", "extends": tid,
        "parameters": [{"name": "loaderCode", "default": loader_code}],
        "visualization": {"yAxis": ["recCount"]}})
    assert child.status == 201, child
    resolved = viewer.get(f"/api/v1/charts/{child.body['id']}/resolved").body
    assert resolved["dataSource"]["params"]["loaderCode"] == loader_code
    assert resolved["visualization"]["yAxis"] == ["recCount"] and resolved["visualization"]["units"] == "tx"
    unresolved = viewer.get(f"/api/v1/charts/{tid}/resolved")
    assert unresolved.status == 400 and "loaderCode" in unresolved.body["error"]["message"]
    assert viewer.get(f"/api/v1/charts/{tid}/resolved", query={"var-loaderCode": "ANY"}).status == 200

    # making the template extend its own child would close a cycle
    cycle = operator.put(f"/api/v1/charts/{tid}", {**template, "extends": child.body["id"]})
    assert cycle.status == 400 and "cycle" in cycle.body["error"]["message"]


def test_deleting_a_chart_in_use_lists_its_dependents(operator, loader_code):
    parent = operator.post("/api/v1/charts", chart_body(loader_code)).body["id"]
    child = operator.post("/api/v1/charts", {"chartName": "child", "extends": parent}).body["id"]
    dash = operator.post("/api/v1/dashboards", {"name": "uses parent", "charts": [
        {"chartId": parent, "x": 0, "y": 0, "w": 6, "h": 4}]}).body["id"]
    refused = operator.delete(f"/api/v1/charts/{parent}")
    assert refused.status == 409
    kinds = {(d["type"], d["id"]) for d in refused.body["error"]["details"]}
    assert kinds == {("dashboard", dash), ("chart", child)}
    assert "uses parent" in refused.body["error"]["message"]

    assert operator.delete(f"/api/v1/dashboards/{dash}").status == 204
    assert operator.delete(f"/api/v1/charts/{child}").status == 204
    assert operator.delete(f"/api/v1/charts/{parent}").status == 204
    assert operator.get(f"/api/v1/charts/{parent}").status == 404


def test_duplicate_makes_an_independent_copy(operator, loader_code):
    cid = operator.post("/api/v1/charts", chart_body(loader_code)).body["id"]
    copy = operator.post(f"/api/v1/charts/{cid}/duplicate")
    assert copy.status == 201 and copy.body["id"] != cid and copy.body["version"] == 1
    assert copy.body["definition"]["chartName"] == "Copy of Payments per minute"
    assert copy.body["definition"]["dataSource"] == chart_body(loader_code)["dataSource"]
