"""The query engine's answers equal a plain SQL aggregation over the raw rows.

GIVEN known points (irregular times, several segments, nulls, bucket edges, month and day
boundaries) WHEN the engine answers every aggregation × bucket over ranges that start and
end mid-bucket THEN each bucket equals the reference computed directly from signals_history.
"""

from __future__ import annotations

import random
import uuid

import pytest

from vigil import errors
from vigil.signals import query
from vigil.signals.ingest import ingest
from vigil.signals.models import SignalPoint
from vigil.signals.schemas import BUCKET_SECONDS, SignalQuery

T0 = 1_801_432_800  # 2027-01-31 22:00:00 UTC: the data crosses a day and a month boundary
SEGMENTS = ("EU", "US", "APAC")


def _loader() -> str:
    return "QTEST_" + uuid.uuid4().hex[:8].upper()


def _points(loader: str, *, seed: int = 7, span: int = 30 * 3600) -> list[SignalPoint]:
    rnd = random.Random(seed)
    pts = []
    t = T0
    while t < T0 + span:
        for seg in SEGMENTS:
            if rnd.random() < 0.8:
                avg = rnd.choice([None, round(rnd.uniform(-50, 150), 2)]) if rnd.random() < 0.1 else \
                    round(rnd.uniform(-50, 150), 2)
                pts.append(SignalPoint(
                    loader_code=loader, segment_code=seg, load_time_stamp=t,
                    rec_count=rnd.randint(0, 1000), avg_val=avg,
                    max_val=round(rnd.uniform(100, 300), 3), min_val=round(rnd.uniform(-100, 0), 3),
                    sum_val=None if rnd.random() < 0.05 else round(rnd.uniform(0, 1e5), 1),
                ))
        t += rnd.choice([7, 13, 29, 60, 61, 120, 600])
    # Points exactly on bucket edges.
    for edge in (T0 + 3600, T0 + 2 * 3600, T0 + 2 * 3600 - 1, T0 + 86400):
        pts.append(SignalPoint(loader_code=loader, segment_code="EU", load_time_stamp=edge,
                               rec_count=5, avg_val=1.5, max_val=2.0, min_val=1.0, sum_val=7.5))
    return pts


REFERENCE = {
    "avg": "avg({f})", "sum": "sum({f})", "min": "min({f})", "max": "max({f})",
}


def _reference(db, *, loader, start, end, width, aggregation, segments):
    vals = ", ".join(f"{REFERENCE[aggregation].format(f=f)} AS {f}" for f in
                     ("avg_val", "sum_val", "min_val", "max_val"))
    seg_col = "segment_code, " if segments else ""
    seg_filter = "AND segment_code = ANY(%(segs)s)" if segments else ""
    rows = db.fetch_all(
        f"SELECT (floor(extract(epoch FROM load_time_stamp) / %(w)s) * %(w)s)::bigint AS ts, {seg_col}"
        f"sum(rec_count)::bigint AS rec_count, {vals} FROM signals_history "
        f"WHERE loader_code = %(l)s AND load_time_stamp BETWEEN to_timestamp(%(a)s) AND to_timestamp(%(b)s) "
        f"{seg_filter} GROUP BY 1 {', 2' if segments else ''} ORDER BY {'2, ' if segments else ''}1",
        {"w": width, "l": loader, "a": start, "b": end, "segs": segments},
    )
    return rows


def _same(point: dict, ref: dict) -> bool:
    for field, key in (("recCount", "rec_count"), ("avgVal", "avg_val"), ("sumVal", "sum_val"),
                       ("minVal", "min_val"), ("maxVal", "max_val")):
        a, b = point.get(field), ref[key]
        if a is None or b is None:
            if a is not b:
                return False
        elif a != pytest.approx(float(b), rel=1e-9, abs=1e-9):
            return False
    return True


@pytest.fixture(scope="module")
def dataset(services):
    from vigil.db import get_database

    loader = _loader()
    pts = _points(loader)
    # Ingest in several batches, then overwrite some points with new values (rollups must
    # follow replacements, not only inserts) and re-send some unchanged.
    db = get_database()
    for i in range(0, len(pts), 700):
        ingest(db, pts[i:i + 700])
    rnd = random.Random(3)
    changed = [p.model_copy(update={"avg_val": 999.0, "max_val": 1e4, "min_val": -1e4, "rec_count": 1})
               for p in rnd.sample(pts, 40)]
    ingest(db, changed + rnd.sample(pts, 100))
    return loader


@pytest.mark.parametrize("aggregation", ["avg", "sum", "min", "max"])
@pytest.mark.parametrize("bucket", list(BUCKET_SECONDS))
def test_buckets_equal_reference_sql_over_raw_rows(db, dataset, aggregation, bucket):
    # Ranges starting and ending mid-bucket, mid-minute, on exact edges.
    ranges = [(T0 + 37, T0 + 27 * 3600 + 1234), (T0 + 3600, T0 + 2 * 3600 - 1), (T0 - 500, T0 + 86400)]
    for start, end in ranges:
        for segments in (None, ["EU", "US"]):
            q = SignalQuery(loader_code=dataset, from_epoch=start, to_epoch=end, aggregation=aggregation,
                            bucket=bucket, segment_code=segments, limit=100_000)
            got = query.run(db=db, store=None, q=q).model_dump(by_alias=True, mode="json")
            ref = _reference(db, loader=dataset, start=start, end=end, width=BUCKET_SECONDS[bucket],
                             aggregation=aggregation, segments=segments)
            assert got["sampled"] is False
            assert len(got["dataPoints"]) == len(ref) > 0
            for p, r in zip(got["dataPoints"], ref, strict=True):
                assert p["timestamp"] == r["ts"]
                assert p.get("segmentCode") == (r["segment_code"] if segments else None)
                assert _same(p, r), (bucket, aggregation, start, end, p, dict(r))


def test_raw_split_returns_stored_points_per_segment(db, dataset):
    q = SignalQuery(loader_code=dataset, from_epoch=T0, to_epoch=T0 + 3 * 3600, segment_code=["US"])
    got = query.run(db=db, store=None, q=q)
    stored = db.fetch_all(
        "SELECT extract(epoch FROM load_time_stamp)::bigint AS ts, avg_val FROM signals_history "
        "WHERE loader_code = %s AND segment_code = 'US' AND load_time_stamp BETWEEN to_timestamp(%s) "
        "AND to_timestamp(%s) ORDER BY 1", (dataset, T0, T0 + 3 * 3600))
    assert [(p.timestamp, p.avg_val) for p in got.data_points] == [(r["ts"], r["avg_val"]) for r in stored]
    assert {p.segment_code for p in got.data_points} == {"US"}
    assert got.original_points == len(stored) and got.bucket is None


def test_raw_combined_merges_segments_at_each_timestamp(db, dataset):
    q = SignalQuery(loader_code=dataset, from_epoch=T0, to_epoch=T0 + 3 * 3600)
    got = query.run(db=db, store=None, q=q).model_dump(by_alias=True, mode="json")
    ref = db.fetch_all(
        "SELECT extract(epoch FROM load_time_stamp)::bigint AS ts, sum(rec_count) AS rec_count, "
        "avg(avg_val) AS avg_val, sum(sum_val) AS sum_val, min(min_val) AS min_val, max(max_val) AS max_val "
        "FROM signals_history WHERE loader_code = %s AND load_time_stamp BETWEEN to_timestamp(%s) "
        "AND to_timestamp(%s) GROUP BY 1 ORDER BY 1", (dataset, T0, T0 + 3 * 3600))
    assert len(got["dataPoints"]) == len(ref)
    assert all("segmentCode" not in p for p in got["dataPoints"])
    assert all(_same(p, r) for p, r in zip(got["dataPoints"], ref, strict=True))


def test_lttb_reduces_to_exactly_limit_keeping_first_and_last(db, dataset):
    full = query.run(db=db, store=None, q=SignalQuery(loader_code=dataset, from_epoch=T0,
                                                      to_epoch=T0 + 30 * 3600, segment_code=["EU"]))
    q = SignalQuery(loader_code=dataset, from_epoch=T0, to_epoch=T0 + 30 * 3600, segment_code=["EU"], limit=50)
    got = query.run(db=db, store=None, q=q)
    assert got.sampled is True and len(got.data_points) == 50
    assert got.original_points == len(full.data_points) > 50
    assert got.data_points[0] == full.data_points[0] and got.data_points[-1] == full.data_points[-1]
    assert set(p.timestamp for p in got.data_points) <= set(p.timestamp for p in full.data_points)


def test_automatic_bucket_fits_the_limit(db, dataset):
    q = SignalQuery(loader_code=dataset, from_epoch=T0, to_epoch=T0 + 30 * 3600, aggregation="avg", limit=100)
    got = query.run(db=db, store=None, q=q)
    assert got.bucket == "1h" and not got.sampled and len(got.data_points) <= 100


def test_raw_range_too_long_is_refused_naming_the_parameter(db, dataset):
    q = SignalQuery(loader_code=dataset, from_epoch=T0, to_epoch=T0 + 40 * 86400)
    with pytest.raises(errors.ValidationFailed) as exc:
        query.run(db=db, store=None, q=q)
    assert exc.value.details[0]["field"] == "query.toEpoch"


@pytest.mark.parametrize("segments", [None, ["EU"], ["APAC", "US"]])
def test_sampled_raw_series_are_lttb_of_the_full_series(db, dataset, segments):
    import numpy as np

    from vigil.signals import lttb

    base = {"loader_code": dataset, "from_epoch": T0, "to_epoch": T0 + 30 * 3600, "segment_code": segments}
    full = query.run(db=db, store=None, q=SignalQuery(**base, limit=100_000)).data_points
    got = query.run(db=db, store=None, q=SignalQuery(**base, limit=40))
    series: dict = {}
    for p in full:
        series.setdefault(p.segment_code, []).append(p)
    expected = []
    for pts in series.values():
        x = np.array([p.timestamp for p in pts], dtype=np.float64)
        y = np.array([np.nan if p.avg_val is None else p.avg_val for p in pts])
        expected += [pts[i] for i in lttb.select(x, y, 40)]
    assert got.sampled and got.original_points == len(full)
    assert [(p.segment_code, p.timestamp) for p in got.data_points] == [
        (p.segment_code, p.timestamp) for p in expected]
    for g, e in zip(got.data_points, expected, strict=True):  # combined values: same up to float order
        assert _same(g.model_dump(by_alias=True), e.model_dump(by_alias=False))


def test_a_series_without_avg_values_is_sampled_on_rec_count(db):
    import numpy as np

    from vigil.signals import lttb

    loader = _loader()
    counts = [int(50 + 40 * np.sin(i / 7)) + (300 if i == 77 else 0) for i in range(200)]
    ingest(db, [SignalPoint(loader_code=loader, load_time_stamp=T0 + 10 * i, rec_count=c)
                for i, c in enumerate(counts)])
    got = query.run(db=db, store=None, q=SignalQuery(loader_code=loader, from_epoch=T0, to_epoch=T0 + 5000,
                                                     limit=20))
    keep = lttb.select(np.arange(200, dtype=np.float64) * 10 + T0, np.array(counts, dtype=np.float64), 20)
    assert [p.timestamp for p in got.data_points] == [T0 + 10 * int(i) for i in keep]
    assert T0 + 770 in [p.timestamp for p in got.data_points]  # the spike survives
    assert all(p.avg_val is None for p in got.data_points)


def test_python_callers_share_the_cache_and_never_read_stale_answers(db, store):
    loader = _loader()
    ingest(db, [SignalPoint(loader_code=loader, segment_code="EU", load_time_stamp=T0 + 5, rec_count=2, avg_val=1.0)])
    q = SignalQuery(loader_code=loader, from_epoch=T0, to_epoch=T0 + 7200, aggregation="avg", bucket="1h",
                    segment_code=["EU"])
    first = query.run(db=db, store=store, q=q)
    assert list(store.client.scan_iter(match=store.key("signals", "q", loader, "v1", "*")))
    assert query.run(db=db, store=store, q=q) == first
    assert query.run_json(db=db, store=store, q=q) == first.model_dump_json(by_alias=True)
    ingest(db, [SignalPoint(loader_code=loader, segment_code="EU", load_time_stamp=T0 + 3605, rec_count=1,
                            avg_val=4.0)])
    after = query.run(db=db, store=store, q=q)
    assert after == query.run(db=db, store=None, q=q)
    assert [(p.timestamp, p.avg_val, p.segment_code) for p in after.data_points] == [
        (T0, 1.0, "EU"), (T0 + 3600, 4.0, "EU")]


@pytest.mark.parametrize("params", [
    {"aggregation": "raw", "segment_code": ["EU", "US"]},
    {"aggregation": "raw", "limit": 30},
    {"aggregation": "min", "bucket": "15m"},
    {"aggregation": "sum", "bucket": "1h", "segment_code": ["APAC"]},
])
def test_the_json_answer_is_exactly_the_response_model_serialised(db, dataset, params):
    q = SignalQuery(loader_code=dataset, from_epoch=T0, to_epoch=T0 + 20 * 3600, **params)
    text = query.run_json(db=db, store=None, q=q)
    model = query.run(db=db, store=None, q=q)
    assert text == model.model_dump_json(by_alias=True)
