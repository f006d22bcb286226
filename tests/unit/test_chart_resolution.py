"""Template extension and parameter resolution: what wins, cycles, unresolved parameters."""

from __future__ import annotations

import pytest

from vigil import errors
from vigil.charts.resolve import resolve

BASE = {
    "chartName": "Throughput of ${loaderCode}",
    "chartType": "line",
    "dataSource": {"service": "signals", "endpoint": "/api/v1/signals/query",
                   "params": {"loaderCode": "${loaderCode}", "aggregation": "avg", "bucket": "1h"}},
    "visualization": {"yAxis": ["avgVal"], "units": "tx/s", "title": "${loaderCode} (${bucketLabel})",
                      "thresholds": [{"value": 10}]},
    "parameters": [{"name": "loaderCode"}, {"name": "bucketLabel", "default": "hourly"}],
    "isTemplate": True,
}


def store(**charts):
    return lambda cid: charts.get(cid)


def test_a_child_overrides_what_it_names_and_inherits_the_rest():
    child = {"chartName": "Payments", "extends": "base",
             "dataSource": {"params": {"bucket": "5m"}},
             "visualization": {"yAxis": ["maxVal", "minVal"]},
             "parameters": [{"name": "loaderCode", "default": "PAYMENTS"}]}
    chart = resolve("child", store(base=BASE, child=child))
    assert chart.chart_name == "Payments"
    assert chart.chart_type == "line"  # inherited
    assert chart.data_source.params == {"loaderCode": "PAYMENTS", "aggregation": "avg", "bucket": "5m"}
    assert chart.visualization.y_axis == ["maxVal", "minVal"]  # lists replace
    assert chart.visualization.units == "tx/s"  # objects merge key by key
    assert chart.visualization.title == "PAYMENTS (hourly)"
    assert not chart.is_template  # being a template is not inherited


def test_caller_values_beat_defaults_of_child_and_parent():
    child = {"chartName": "x", "extends": "base", "parameters": [{"name": "loaderCode", "default": "CHILD"}]}
    chart = resolve("child", store(base=BASE, child=child), {"loaderCode": "CALLER"})
    assert chart.data_source.params["loaderCode"] == "CALLER"


def test_an_unresolved_parameter_names_the_field_that_uses_it():
    with pytest.raises(errors.ValidationFailed) as info:
        resolve("base", store(base=BASE))
    fields = {d["field"] for d in info.value.details}
    assert "dataSource.params.loaderCode" in fields and "loaderCode" in info.value.message


def test_cycles_are_rejected():
    a = {"chartName": "a", "extends": "b"}
    b = {"chartName": "b", "extends": "a"}
    with pytest.raises(errors.ValidationFailed, match="cycle"):
        resolve("a", store(a=a, b=b))


def test_a_missing_parent_is_reported():
    with pytest.raises(errors.ValidationFailed, match="does not exist"):
        resolve("a", store(a={"chartName": "a", "extends": "gone"}))


def test_three_levels_merge_in_order():
    mid = {"chartName": "mid", "extends": "base", "visualization": {"units": "ms"},
           "parameters": [{"name": "loaderCode", "default": "MID"}]}
    leaf = {"chartName": "leaf", "extends": "mid", "chartType": "bar"}
    chart = resolve("leaf", store(base=BASE, mid=mid, leaf=leaf))
    assert (chart.chart_type, chart.visualization.units, chart.data_source.params["loaderCode"]) == ("bar", "ms", "MID")
