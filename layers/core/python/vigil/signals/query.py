"""The signals query engine: one function every reader calls (HTTP API, charts, alert rules,
RCA reports).

Contract
--------
``run(db=..., store=..., q=SignalQuery(...)) -> QueryResult``

- Range: points with ``fromEpoch <= timestamp <= toEpoch`` (epoch seconds, UTC, inclusive).
- Segments: ``segment_code=[...]`` → one series per listed segment, every point carries
  ``segmentCode``, points ordered by segment then time. ``None`` → every segment of the
  loader combined into one series (no ``segmentCode`` on points).
- ``aggregation="raw"`` (no bucket): stored points. Combined across segments, the points
  sharing a timestamp become one: recCount and sumVal summed, minVal the min, maxVal the max,
  avgVal the mean of the points' avgVal.
- ``aggregation`` avg|sum|min|max with ``bucket`` 1m|5m|15m|1h|1d (epoch-aligned UTC
  buckets; absent → the smallest bucket giving at most ``limit`` buckets): every value field
  of a bucket is that aggregate of the same field over the bucket's points (avg = mean
  weighted by point count, i.e. sum/count: never an average of averages); ``recCount`` is
  always the sum. Buckets at the range edges only count points inside the range. Empty
  buckets are absent. Answers come from the 1m/1h/1d rollups and equal the same aggregation
  over the raw rows.
- ``limit`` (per series): a longer series is reduced by LTTB to exactly ``limit`` points,
  first and last kept, the shape judged on avgVal (recCount for a series without avgVal);
  ``sampled`` says so and ``originalPoints`` counts points before sampling (all series).
- Cached in Redis (``store``; ``None`` disables) under a key of every parameter and the
  loader's data version: an answer is never older than the data ingested before the call.
- Errors: ``vigil.errors.ValidationFailed`` naming the parameter (range too long for raw,
  too many points or buckets); pydantic validates ``SignalQuery`` itself (from > to,
  unknown aggregation/bucket, limit outside 2..100000).
"""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np

from vigil import errors
from vigil.db import Database, Session
from vigil.redis import Store
from vigil.settings import get_settings
from vigil.signals import buckets, cache, lttb, rawfetch, repository
from vigil.signals.schemas import BUCKET_SECONDS, DataPoint, QueryResult, SignalQuery, TimeRange

__all__ = ["DataPoint", "QueryResult", "SignalQuery", "TimeRange", "execute", "run", "run_json"]

MAX_BUCKETS = 1_000_000


def run(*, db: Database, store: Store | None, q: SignalQuery, now: float | None = None) -> QueryResult:
    """Answer `q` (see the module docstring for the contract)."""
    return QueryResult.model_validate_json(run_json(db=db, store=store, q=q, now=now))


def run_json(*, db: Database, store: Store | None, q: SignalQuery, now: float | None = None) -> str:
    """The same answer as JSON text (the HTTP path: a cache hit is returned as stored)."""
    with db.session() as s:
        key = cache.key(store, q, repository.version(s, q.loader_code)) if store else ""
        hit = cache.get(store, key) if store else None
        if hit is not None:
            return hit
        payload = execute_json(s, q, db=db)
    if store:
        cache.put(store, key, payload, ttl=cache.ttl_for(q, now=time.time() if now is None else now))
    return payload


def execute(s: Session, q: SignalQuery) -> QueryResult:
    """Answer `q` from the database inside session `s`, without the cache."""
    return QueryResult.model_validate_json(execute_json(s, q))


def execute_json(s: Session, q: SignalQuery, *, db: Database | None = None) -> str:
    """`execute` as JSON text. Points go from numpy columns straight to JSON: building a
    pydantic object per point would cost more than the whole database read."""
    start, end = q.from_epoch, q.to_epoch + 1
    if q.aggregation == "raw":
        series, original = _raw_series(s, q, start, end, db)
        bucket = None
    else:
        bucket = q.bucket or buckets.auto_bucket(start, end, q.limit)
        width = BUCKET_SECONDS[bucket]
        if buckets.bucket_count(start, end, width) > MAX_BUCKETS:
            raise _invalid("bucket", f"{bucket} buckets over this range are more than {MAX_BUCKETS:,}; "
                           "choose a larger bucket or a shorter range")
        rows = repository.aggregate(s, loader_code=q.loader_code, segments=q.segment_code,
                                    start=start, end=end, bucket_seconds=width,
                                    aggregation=q.aggregation)
        series = repository.to_series(rows, split=q.split)
        original = sum(len(x) for x in series)
        series = [_downsample(x, q.limit) for x in series]
    # Same keys, order and compact form as QueryResult.model_dump_json(by_alias=True).
    body = {
        "loaderCode": q.loader_code,
        "timeRange": {"from": q.from_epoch, "to": q.to_epoch},
        "aggregation": q.aggregation,
        "bucket": bucket,
        "sampled": original > sum(len(x) for x in series),
        "originalPoints": original,
        "dataPoints": [p for x in series for p in _points(x)],
    }
    return json.dumps(body, separators=(",", ":"), allow_nan=False)


def _raw_series(s: Session, q: SignalQuery, start: int, end: int,
                db: Database | None) -> tuple[list[repository.Series], int]:
    settings = get_settings()
    max_days = settings.signals_raw_max_range_days
    if end - start > max_days * 86400:
        raise _invalid("toEpoch", f"raw queries span at most {max_days} days (SIGNALS_RAW_MAX_RANGE_DAYS); "
                       "shorten fromEpoch..toEpoch or use an aggregation with a bucket")
    cap = settings.signals_raw_max_points
    try:
        return rawfetch.fetch(s, loader_code=q.loader_code, segments=q.segment_code, start=start,
                              end=end, limit=q.limit, cap=cap, db=db)
    except OverflowError:
        raise _invalid("toEpoch", f"the range holds more than {cap:,} raw points "
                       "(SIGNALS_RAW_MAX_POINTS); shorten it or use an aggregation with a bucket") from None


def _downsample(series: repository.Series, limit: int) -> repository.Series:
    if len(series) <= limit:
        return series
    y = series.avg_val
    if np.isnan(y).all():
        y = series.rec_count.astype(np.float64)
    return series.take(lttb.select(series.ts.astype(np.float64), y, limit))


def _nullable(values: np.ndarray) -> list[float | None]:
    return [None if v != v else v for v in values.tolist()]  # NaN marks a null


def _points(series: repository.Series) -> list[dict[str, Any]]:
    cols = zip(series.ts.tolist(), series.rec_count.tolist(), _nullable(series.avg_val),
               _nullable(series.sum_val), _nullable(series.min_val), _nullable(series.max_val),
               strict=True)
    seg = series.segment_code
    if seg is None:
        return [{"timestamp": t, "recCount": r, "avgVal": a, "sumVal": su, "minVal": mi, "maxVal": ma}
                for t, r, a, su, mi, ma in cols]
    return [{"timestamp": t, "recCount": r, "avgVal": a, "sumVal": su, "minVal": mi, "maxVal": ma,
             "segmentCode": seg} for t, r, a, su, mi, ma in cols]


def _invalid(param: str, message: str) -> errors.ValidationFailed:
    return errors.ValidationFailed(message, details=[{"field": f"query.{param}", "message": message}])
