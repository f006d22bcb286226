"""Bulk ingestion input: every point validated, errors named `signals[i].field`."""

from __future__ import annotations

import pytest

from vigil import errors
from vigil.signals.schemas import SignalQuery
from vigil.signals.service import parse_points


def _point(**over):
    return {"loaderCode": "SALES", "segmentCode": "EU", "loadTimeStamp": 1_800_000_000, "recCount": 3,
            "maxVal": 2.0, "minVal": 1.0, "avgVal": 1.5, "sumVal": 4.5, **over}


def test_valid_points_parse_with_defaults():
    pts = parse_points([_point(), {"loaderCode": "SALES", "loadTimeStamp": 1}])
    assert pts[0].avg_val == 1.5 and pts[1].segment_code == "ALL" and pts[1].rec_count == 0


def test_every_bad_item_is_reported_with_its_index_and_field():
    items = [_point(), _point(avgVal="x"), "nope", _point(loadTimeStamp=-1, recCount=-2), _point(sumVal=1e400)]
    with pytest.raises(errors.ValidationFailed) as exc:
        parse_points(items)
    fields = [d["field"] for d in exc.value.details]
    assert fields == ["signals[1].avgVal", "signals[2]", "signals[3].loadTimeStamp", "signals[3].recCount",
                      "signals[4].sumVal"]
    assert "nothing was written" in exc.value.message


def test_batch_cap_and_empty_batch():
    with pytest.raises(errors.PayloadTooLarge):
        parse_points([_point(loadTimeStamp=i) for i in range(5001)])
    with pytest.raises(errors.ValidationFailed):
        parse_points([])


def test_query_model_normalises_segments_and_refuses_bad_combinations():
    q = SignalQuery(loader_code="SALES", from_epoch=1, to_epoch=2, segment_code=["US", "EU", "US"])
    assert q.segment_code == ["EU", "US"] and q.split
    assert SignalQuery(loader_code="SALES", from_epoch=1, to_epoch=2, segment_code=["US,EU", "APAC"]).segment_code == [
        "APAC", "EU", "US"]
    assert SignalQuery(loader_code="SALES", from_epoch=1, to_epoch=1, segment_code=[]).segment_code is None
    for bad in ({"from_epoch": 3}, {"aggregation": "raw", "bucket": "1h"}, {"limit": 1}, {"bucket": "7m"}):
        with pytest.raises(ValueError):
            SignalQuery(**{"loader_code": "SALES", "from_epoch": 1, "to_epoch": 2, "aggregation": "avg", **bad})
