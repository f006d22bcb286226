"""Signals flows behind the HTTP surface: bulk ingest, raw read, storage maintenance."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from vigil import errors
from vigil.db import Database
from vigil.logging import get_logger
from vigil.settings import get_settings
from vigil.signals import partitions, repository, rollups
from vigil.signals.ingest import ingest_in, lock_loaders
from vigil.signals.models import LOADER_CODE, SignalPoint
from vigil.signals.schemas import RawPoint, RawQuery, RawSignals

log = get_logger(__name__)

MAX_ERRORS_REPORTED = 100
RAW_READ_MAX_POINTS = 100_000


def parse_points(items: list[Any]) -> list[SignalPoint]:
    """Validate every item; any invalid one rejects the whole batch with per-item errors."""
    cap = get_settings().signals_bulk_max_points
    if len(items) > cap:
        raise errors.PayloadTooLarge(
            f"a bulk request carries at most {cap} signals (SIGNALS_BULK_MAX_POINTS); "
            f"this one has {len(items)}: split it into several requests",
            details=[{"field": "signals", "message": f"at most {cap} items"}],
        )
    if not items:
        raise errors.ValidationFailed(
            "no signals to ingest", details=[{"field": "signals", "message": "must not be empty"}]
        )
    points: list[SignalPoint] = []
    problems: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append({"field": f"signals[{i}]", "message": "must be an object"})
            continue
        try:
            points.append(SignalPoint.model_validate(item))
        except ValidationError as exc:
            for err in exc.errors(include_url=False, include_input=False):
                loc = ".".join(str(p) for p in err.get("loc", ()))
                problems.append({"field": f"signals[{i}].{loc}" if loc else f"signals[{i}]",
                                 "message": err.get("msg", "invalid")})
    if problems:
        shown = problems[:MAX_ERRORS_REPORTED]
        more = f" (first {len(shown)} shown)" if len(problems) > len(shown) else ""
        raise errors.ValidationFailed(
            f"{len(problems)} problem(s) in the batch{more}; nothing was written", details=shown
        )
    return points


def bulk_ingest(db: Database, *, items: list[Any], audit: Callable[..., None]) -> int:
    """Validate then upsert a batch in one transaction, with its audit row."""
    points = parse_points(items)
    with db.session() as s:
        accepted = ingest_in(s, points)
        loaders = sorted({p.loader_code for p in points})
        audit(action="signals.bulk_ingest", entity_type="signals", entity_id=",".join(loaders)[:200],
              after={"accepted": accepted, "loaders": loaders,
                     "fromEpoch": min(p.load_time_stamp for p in points),
                     "toEpoch": max(p.load_time_stamp for p in points)},
              session=s)
    return accepted


def read_raw(db: Database, *, loader_code: str, q: RawQuery) -> RawSignals:
    """Stored points of every segment of a loader in [fromEpoch, toEpoch], by time."""
    if not re.match(LOADER_CODE, loader_code):
        raise errors.ValidationFailed(
            "loaderCode must be UPPER_SNAKE_CASE",
            details=[{"field": "path.loaderCode", "message": "must be UPPER_SNAKE_CASE"}],
        )
    settings = get_settings()
    if q.to_epoch - q.from_epoch >= settings.signals_raw_max_range_days * 86400:
        raise errors.ValidationFailed(
            f"the range may span at most {settings.signals_raw_max_range_days} days",
            details=[{"field": "query.toEpoch", "message": "range too long for raw points"}],
        )
    cap = RAW_READ_MAX_POINTS  # one JSON document without paging: keep it a sane size
    with db.session() as s:
        rows = repository.raw_rows(s, loader_code=loader_code, start=q.from_epoch, end=q.to_epoch + 1,
                                   cap=cap)
    if len(rows) > cap:
        raise errors.ValidationFailed(
            f"the range holds more than {cap:,} points; shorten it, or use /api/v1/signals/query "
            "(aggregation, buckets, LTTB sampling)",
            details=[{"field": "query.toEpoch", "message": "too many points"}],
        )
    return RawSignals(
        loader_code=loader_code,
        data_points=[
            RawPoint.model_construct(
                timestamp=int(r["ts"]), segment_code=r["segment_code"], rec_count=int(r["rec_count"]),
                max_val=r["max_val"], min_val=r["min_val"], avg_val=r["avg_val"], sum_val=r["sum_val"],
            )
            for r in rows
        ],
    )


def maintain_partitions(
    db: Database, *, now: datetime | None = None, retention_months: int | None = None,
) -> dict[str, list[str]]:
    """The scheduled job: partitions for this month and the next two; retention keeps the
    current month and the SIGNALS_RETENTION_MONTHS before it, dropping older months whole
    (0 keeps everything)."""
    now = now or datetime.now(UTC)
    months = get_settings().signals_retention_months if retention_months is None else retention_months
    with db.session() as s:
        created = partitions.ensure_ahead(s, now=now, months_ahead=2)
        dropped: list[str] = []
        if months > 0:
            cutoff = partitions.add_months(partitions.month_start(now), -months)
            dropped = partitions.drop_older_than(s, cutoff_month=cutoff)
    if created or dropped:
        log.info("signals partitions maintained", extra={"created": created, "dropped": dropped})
    return {"created": created, "dropped": dropped}


def rebuild_rollups(db: Database, *, loader_code: str) -> None:
    """Recompute a loader's rollups, series spans and version from its raw rows (repair, or
    after loading rows into signals_history directly)."""
    with db.session() as s:
        lock_loaders(s, [loader_code])
        for sql in rollups.rebuild_statements():
            s.execute(sql, {"loader": loader_code})
