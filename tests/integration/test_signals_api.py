"""Signals HTTP surface: bulk ingest, raw read, query validation, cache freshness, baseline."""

from __future__ import annotations

import time
import uuid

import pytest

QUERY = "/api/v1/signals/query"
BULK = "/api/v1/res/signals/bulk"
T0 = (int(time.time()) - 30 * 86400) // 3600 * 3600  # an hour start a month ago (1h cache TTL)


def _loader() -> str:
    return "API_" + uuid.uuid4().hex[:8].upper()


def _point(loader: str, t: int, *, seg: str = "ALL", avg: float = 1.0, rec: int = 1) -> dict:
    return {"loaderCode": loader, "segmentCode": seg, "loadTimeStamp": t, "recCount": rec,
            "maxVal": avg + 1, "minVal": avg - 1, "avgVal": avg, "sumVal": avg * rec}


def _count(db, loader: str) -> int:
    return db.scalar("SELECT count(*) FROM signals_history WHERE loader_code = %s", (loader,))


def test_bulk_ingest_is_accepted_idempotent_and_audited(operator, admin, db):
    loader = _loader()
    batch = [_point(loader, T0 + 60 * i, avg=float(i)) for i in range(10)]
    r = operator.post(BULK, {"signals": batch})
    assert r.status == 202 and r.body == {"accepted": 10}
    again = operator.post(BULK, {"signals": batch})
    assert again.status == 202 and _count(db, loader) == 10
    audit = admin.get("/api/v1/audit", query={"action": "signals.bulk_ingest", "entityId": loader})
    assert audit.status == 200 and audit.body["total"] == 2
    assert audit.body["items"][0]["after"]["accepted"] == 10


def test_bulk_with_an_invalid_point_writes_nothing_and_names_each_item(operator, db):
    loader = _loader()
    batch = [_point(loader, T0 + i) for i in range(5)]
    batch[3]["avgVal"] = "lots"
    batch[4]["loaderCode"] = "lower_case"
    batch[1]["extra"] = 1
    r = operator.post(BULK, {"signals": batch})
    assert r.status == 400
    fields = {d["field"] for d in r.body["error"]["details"]}
    assert {"signals[3].avgVal", "signals[4].loaderCode", "signals[1].extra"} <= fields
    assert _count(db, loader) == 0


def test_bulk_batch_cap_and_roles(operator, viewer):
    from vigil.settings import get_settings

    cap = get_settings().signals_bulk_max_points
    r = operator.post(BULK, {"signals": [{}] * (cap + 1)})
    assert r.status == 413 and str(cap) in r.body["error"]["message"]
    assert viewer.post(BULK, {"signals": [_point(_loader(), T0)]}).status == 403
    assert operator.post(BULK, {"signals": []}).status == 400


def test_raw_read_returns_every_segment_in_the_range(operator, viewer):
    loader = _loader()
    pts = [_point(loader, T0 + 10 * i, seg=s) for i in range(6) for s in ("A", "B")]
    assert operator.post(BULK, {"signals": pts}).status == 202
    r = viewer.get(f"/api/v1/res/signals/signal/{loader}", query={"fromEpoch": T0 + 10, "toEpoch": T0 + 30})
    assert r.status == 200 and r.body["loaderCode"] == loader
    got = [(p["timestamp"], p["segmentCode"]) for p in r.body["dataPoints"]]
    assert got == [(T0 + t, s) for t in (10, 20, 30) for s in ("A", "B")]
    assert set(r.body["dataPoints"][0]) == {"timestamp", "segmentCode", "recCount", "maxVal", "minVal",
                                            "avgVal", "sumVal"}
    bad = viewer.get(f"/api/v1/res/signals/signal/{loader}", query={"fromEpoch": 10, "toEpoch": 5})
    assert bad.status == 400 and bad.body["error"]["details"][0]["field"] == "query.toEpoch"


@pytest.mark.parametrize(("params", "field"), [
    ({"fromEpoch": 200, "toEpoch": 100}, "query.toEpoch"),
    ({"bucket": "2h", "aggregation": "avg"}, "query.bucket"),
    ({"aggregation": "median"}, "query.aggregation"),
    ({"limit": 1}, "query.limit"),
    ({"limit": 100_001}, "query.limit"),
    ({"bucket": "1h"}, "query.bucket"),  # raw has no buckets
    ({"toEpoch": T0 + 400 * 86400}, "query.toEpoch"),  # too long for raw
    ({"segmentCode": "bad code!"}, "query.segmentCode"),
    ({"fromEpoch": "yesterday"}, "query.fromEpoch"),
])
def test_query_validation_names_the_parameter(viewer, params, field):
    q = {"loaderCode": "ANY_LOADER", "fromEpoch": T0, "toEpoch": T0 + 3600, **params}
    r = viewer.get(QUERY, query=q)
    assert r.status == 400, r
    assert field in {d["field"] for d in r.body["error"]["details"]}


def test_query_without_loader_code_is_a_400(viewer):
    r = viewer.get(QUERY, query={"fromEpoch": T0, "toEpoch": T0 + 1})
    assert r.status == 400 and "query.loaderCode" in {d["field"] for d in r.body["error"]["details"]}


def test_query_shape_and_split_by_segment(operator, viewer):
    loader = _loader()
    pts = [_point(loader, T0 + 60 * i, seg=s, avg=float(i), rec=2) for i in range(120) for s in ("EU", "US")]
    assert operator.post(BULK, {"signals": pts}).status == 202
    q = {"loaderCode": loader, "fromEpoch": T0, "toEpoch": T0 + 7199, "aggregation": "sum", "bucket": "1h"}
    r = viewer.get(QUERY, query=q)
    assert r.status == 200
    assert set(r.body) == {"loaderCode", "timeRange", "aggregation", "bucket", "sampled", "originalPoints",
                           "dataPoints"}
    assert r.body["timeRange"] == {"from": T0, "to": T0 + 7199} and r.body["bucket"] == "1h"
    assert [p["recCount"] for p in r.body["dataPoints"]] == [240, 240]
    assert r.body["dataPoints"][0]["avgVal"] == sum(range(60)) * 2  # sum over both segments
    assert "segmentCode" not in r.body["dataPoints"][0]
    split = viewer.get(QUERY, query={**q, "segmentCode": ["US", "EU"]})
    assert [(p["segmentCode"], p["timestamp"]) for p in split.body["dataPoints"]] == [
        ("EU", T0), ("EU", T0 + 3600), ("US", T0), ("US", T0 + 3600)]
    assert split.body["dataPoints"][0]["recCount"] == 120


def test_cached_answer_is_never_older_than_ingested_data(operator, viewer, store):
    loader = _loader()
    assert operator.post(BULK, {"signals": [_point(loader, T0, avg=1.0)]}).status == 202
    q = {"loaderCode": loader, "fromEpoch": T0, "toEpoch": T0 + 3600, "aggregation": "avg", "bucket": "1h"}
    first = viewer.get(QUERY, query=q)
    assert first.body["dataPoints"][0]["avgVal"] == 1.0
    keys = list(store.client.scan_iter(match=store.key("signals", "q", loader, "*")))
    assert len(keys) == 1 and 3000 < store.client.ttl(keys[0]) <= 3600  # historical range: 1 h
    assert viewer.get(QUERY, query=q).raw == first.raw  # served from the cache

    # WHEN a point is added, and later one is replaced
    assert operator.post(BULK, {"signals": [_point(loader, T0 + 60, avg=3.0)]}).status == 202
    assert viewer.get(QUERY, query=q).body["dataPoints"][0]["avgVal"] == 2.0
    assert operator.post(BULK, {"signals": [_point(loader, T0 + 60, avg=5.0)]}).status == 202
    assert viewer.get(QUERY, query=q).body["dataPoints"][0]["avgVal"] == 3.0


def test_recent_ranges_are_cached_for_five_minutes(operator, viewer, store):
    loader = _loader()
    now = int(time.time())
    assert operator.post(BULK, {"signals": [_point(loader, now - 120)]}).status == 202
    r = viewer.get(QUERY, query={"loaderCode": loader, "fromEpoch": now - 3600, "toEpoch": now})
    assert r.status == 200 and len(r.body["dataPoints"]) == 1
    keys = list(store.client.scan_iter(match=store.key("signals", "q", loader, "*")))
    assert len(keys) == 1 and 200 < store.client.ttl(keys[0]) <= 300


def test_baseline_endpoint_aligns_last_month_to_the_current_window(operator, viewer):
    loader = _loader()
    # 2027-03-31 10:00 UTC compares with 2027-02-28 10:00 UTC (no 31 Feb).
    now, then = 1806487200, 1803808800
    pts = [_point(loader, then - 600 + 60 * i, avg=float(i)) for i in range(11)]
    pts += [_point(loader, now - 600 + 60 * i, avg=100.0) for i in range(11)]
    assert operator.post(BULK, {"signals": pts}).status == 202
    r = viewer.get("/api/v1/signals/baseline", query={
        "loaderCode": loader, "fromEpoch": now - 600, "toEpoch": now, "compareTo": "lastMonth"})
    assert r.status == 200, r
    assert r.body["offsetSeconds"] == now - then == 31 * 86400
    assert r.body["baselineRange"] == {"from": then - 600, "to": then}
    assert [p["timestamp"] for p in r.body["dataPoints"]] == [now - 600 + 60 * i for i in range(11)]
    assert [p["avgVal"] for p in r.body["dataPoints"]] == [float(i) for i in range(11)]


def test_openapi_lists_the_signals_routes(client):
    doc = client.get("/api/v1/openapi.json").body
    for path in (QUERY, BULK, "/api/v1/res/signals/signal/{loader_code}", "/api/v1/signals/baseline"):
        assert any(p.replace("{loaderCode}", "{loader_code}") == path for p in doc["paths"]), path


def test_the_daily_job_creates_this_month_and_the_next_two(services, db):
    from datetime import UTC, datetime

    from chalice.local import LambdaContext

    from vigil import settings as settings_mod
    from vigil.local.apps import FUNCTIONS_DIR, load_app
    from vigil.signals import partitions

    loaded = load_app(FUNCTIONS_DIR / "signals" / "app.py")
    [job] = loaded.schedules
    assert job.name == "maintain_partitions" and job.schedule_expression.to_string() == "rate(1 day)"
    # Retention off here: the shared test database holds other tests' old months.
    settings_mod.configure(services.settings.model_copy(update={"signals_retention_months": 0}))
    try:
        ctx = LambdaContext(function_name=job.name, memory_size=1024, max_runtime_ms=60_000)
        event = {"version": "0", "id": "e1", "detail-type": "Scheduled Event", "source": "aws.events",
                 "account": "000000000000", "time": "2026-01-01T00:00:00Z", "region": "us-east-1",
                 "resources": [], "detail": {}}
        loaded.app.handler_map[job.name](event, ctx)
    finally:
        settings_mod.configure(services.settings)
    with db.session() as s:
        names = partitions.existing(s, "signals_history") | partitions.existing(s, "signals_rollup_1m")
    first = partitions.month_start(datetime.now(UTC))
    for i in range(3):
        month = partitions.add_months(first, i)
        assert partitions.partition_name(month) in names
        assert partitions.partition_name(month, "signals_rollup_1m") in names


def test_a_loader_without_points_answers_an_empty_series(viewer):
    for params in ({}, {"aggregation": "max", "bucket": "5m"}, {"segmentCode": "EU"}):
        r = viewer.get(QUERY, query={"loaderCode": _loader(), "fromEpoch": T0, "toEpoch": T0 + 3600, **params})
        assert r.status == 200
        assert r.body["dataPoints"] == [] and r.body["originalPoints"] == 0 and r.body["sampled"] is False
