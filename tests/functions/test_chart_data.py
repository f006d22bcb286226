"""A chart's data is exactly the signals query of its resolved definition; its ECharts option
carries the series, axes, units, thresholds and sampling note."""

from __future__ import annotations

from tests.functions.test_charts_api import chart_body
from tests.support.signals import new_loader_code, write_series

T0 = 1_700_006_400  # a whole hour, UTC


def _loader():
    code = new_loader_code("CD")
    write_series(code, [(T0 + 60 * i, float(i % 17)) for i in range(180)], segment="EU")
    write_series(code, [(T0 + 60 * i, float(i % 5)) for i in range(180)], segment="US")
    return code


def test_the_data_endpoint_equals_the_signals_query(operator, viewer):
    code = _loader()
    cid = operator.post("/api/v1/charts", chart_body(code)).body["id"]  # avg, 5m
    window = {"fromEpoch": T0, "toEpoch": T0 + 3 * 3600}
    via_chart = viewer.get(f"/api/v1/charts/{cid}/data", query=window)
    direct = viewer.get("/api/v1/signals/query", query={**window, "loaderCode": code, "aggregation": "avg",
                                                        "bucket": "5m"})
    assert via_chart.status == direct.status == 200, via_chart
    assert via_chart.body == direct.body
    assert len(via_chart.body["dataPoints"]) == 36


def test_template_values_come_from_var_parameters(operator, viewer):
    code = _loader()
    template = chart_body("${loader}", isTemplate=True, parameters=[{"name": "loader"}])
    template["dataSource"]["params"].update({"segmentCode": "${segment}", "bucket": "1h"})
    template["parameters"] = [{"name": "loader"}, {"name": "segment"}]
    cid = operator.post("/api/v1/charts", template).body["id"]
    window = {"fromEpoch": T0, "toEpoch": T0 + 3 * 3600}
    missing = viewer.get(f"/api/v1/charts/{cid}/data", query=window)
    assert missing.status == 400
    assert {"loader", "segment"} <= set(missing.body["error"]["message"].replace(",", "").split())
    got = viewer.get(f"/api/v1/charts/{cid}/data", query={**window, "var-loader": code, "var-segment": "US"})
    assert got.status == 200
    assert {p["segmentCode"] for p in got.body["dataPoints"]} == {"US"}
    direct = viewer.get("/api/v1/signals/query", query={**window, "loaderCode": code, "aggregation": "avg",
                                                        "bucket": "1h", "segmentCode": "US"})
    assert got.body == direct.body


def test_a_data_source_that_makes_no_valid_query_is_400_with_the_field(operator, viewer):
    code = _loader()
    body = chart_body(code)
    body["dataSource"]["params"]["aggregation"] = "median"
    cid = operator.post("/api/v1/charts", body).body["id"]
    result = viewer.get(f"/api/v1/charts/{cid}/data", query={"fromEpoch": T0, "toEpoch": T0 + 600})
    assert result.status == 400
    assert result.body["error"]["details"][0]["field"] == "dataSource.params.aggregation"


def test_echarts_option_has_series_axes_units_and_thresholds(operator, viewer):
    code = _loader()
    body = chart_body(code, chartType="area")
    body["dataSource"]["params"]["segmentCode"] = ["EU", "US"]
    cid = operator.post("/api/v1/charts", body).body["id"]
    result = viewer.get(f"/api/v1/charts/{cid}/echarts", query={"fromEpoch": T0, "toEpoch": T0 + 3 * 3600})
    assert result.status == 200, result
    option = result.body["option"]
    assert option["xAxis"]["type"] == "time" and option["yAxis"]["name"] == "tx"
    names = [s["name"] for s in option["series"]]
    assert names == ["EU · avg", "US · avg", "EU · max", "US · max"]
    assert all(s["type"] == "line" and "areaStyle" in s for s in option["series"])
    assert option["series"][0]["markLine"]["data"][0]["yAxis"] == 8
    first = option["series"][0]["data"][0]
    assert first[0] == T0 * 1000 and isinstance(first[1], float)
    assert option["tooltip"]["trigger"] == "axis" and option["dataZoom"]
    assert option["legend"]["data"] == names
    assert result.body["sampled"] is False


def test_pie_and_heatmap_render(operator, viewer):
    code = _loader()
    window = {"fromEpoch": T0, "toEpoch": T0 + 3 * 3600}
    pie_body = chart_body(code, chartType="pie", visualization={"yAxis": ["recCount"]})
    pie_body["dataSource"]["params"]["segmentCode"] = ["EU", "US"]
    pie = viewer.get(f"/api/v1/charts/{operator.post('/api/v1/charts', pie_body).body['id']}/echarts", query=window)
    slices = {d["name"]: d["value"] for d in pie.body["option"]["series"][0]["data"]}
    assert slices == {"EU · records": 180.0, "US · records": 180.0}

    heat_body = chart_body(code, chartType="heatmap", visualization={"yAxis": ["avgVal"]})
    heat_body["dataSource"]["params"].update({"segmentCode": ["EU", "US"], "bucket": "1h"})
    heat = viewer.get(f"/api/v1/charts/{operator.post('/api/v1/charts', heat_body).body['id']}/echarts",
                      query=window).body["option"]
    assert heat["yAxis"]["data"] == ["EU", "US"] and len(heat["xAxis"]["data"]) == 3
    assert len(heat["series"][0]["data"]) == 6 and heat["visualMap"]["max"] >= heat["visualMap"]["min"]
