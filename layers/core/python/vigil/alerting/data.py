"""What a rule reads: the chart's own signals query (so the rule sees what the chart shows),
narrowed to the rule's segment, turned into one `Series` per watched series."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from vigil import errors
from vigil.alerting.evaluate import Series
from vigil.alerting.models import RuleDefinition
from vigil.charts.data import signal_query
from vigil.charts.models import ResolvedChart
from vigil.db import Database, Session
from vigil.signals import query as signals
from vigil.signals.baseline import shift_back
from vigil.signals.schemas import BUCKET_SECONDS, MAX_LIMIT, DataPoint, SignalQuery

FIELD = {"avgVal": "avg_val", "sumVal": "sum_val", "minVal": "min_val", "maxVal": "max_val",
         "recCount": "rec_count"}


@dataclass(frozen=True)
class DataSpec:
    """A signals query without its time range: rules with equal specs share one query."""

    loader_code: str
    segments: tuple[str, ...] | None
    aggregation: str
    bucket: str | None

    def query(self, start: int, end: int) -> SignalQuery:
        return SignalQuery(loader_code=self.loader_code, from_epoch=max(0, start), to_epoch=end,
                           segment_code=list(self.segments) if self.segments else None,
                           aggregation=self.aggregation, bucket=self.bucket, limit=MAX_LIMIT)

    @property
    def step(self) -> int | None:
        return BUCKET_SECONDS[self.bucket] if self.bucket else None


def chart_values(rule: RuleDefinition) -> dict[str, str]:
    return {"loaderCode": rule.loader_code, **rule.chart_params}


def spec_for(rule: RuleDefinition, chart: ResolvedChart) -> DataSpec:
    """The rule's data spec; 400 with the field path when the rule does not fit the chart."""
    problems = []
    if rule.metric not in chart.visualization.y_axis:
        problems.append({"field": "body.metric", "message": f"the chart shows {chart.visualization.y_axis}, "
                                                             f"not {rule.metric}"})
    q = signal_query(chart, from_epoch=0, to_epoch=0)
    if q.loader_code != rule.loader_code:
        problems.append({"field": "body.loaderCode", "message": f"the chart shows loader {q.loader_code}"})
    segments = tuple(q.segment_code) if q.segment_code else None
    if rule.segment_code is not None:
        if segments is not None and rule.segment_code not in segments:
            problems.append({"field": "body.segmentCode", "message": f"the chart shows segments {list(segments)}"})
        segments = (rule.segment_code,)
    if problems:
        raise errors.ValidationFailed("the rule does not fit its chart", details=problems)
    return DataSpec(q.loader_code, segments, q.aggregation, q.bucket)


def fetch(source: Database | Session, spec: DataSpec, start: int, end: int) -> dict[str, list[DataPoint]]:
    """Points per series key ('' for a combined series, else the segment code); read in the
    caller's transaction when given a session (one per evaluation cycle)."""
    q = spec.query(start, end)
    result = signals.execute(source, q) if isinstance(source, Session) else signals.run(db=source, store=None, q=q)
    grouped: dict[str, list[DataPoint]] = defaultdict(list)
    for p in result.data_points:
        grouped[p.segment_code or ""].append(p)
    if spec.segments:
        for seg in spec.segments:
            grouped.setdefault(seg, [])
    else:
        grouped.setdefault("", [])
    return dict(grouped)


def to_series(points: list[DataPoint], metric: str, spec: DataSpec) -> Series:
    field = FIELD[metric]
    times = [p.timestamp for p in points]
    step = spec.step or (int(statistics.median([b - a for a, b in zip(times, times[1:], strict=False)]))
                         if len(times) > 2 else 60)
    return Series(times, [getattr(p, field) for p in points], [p.rec_count for p in points], max(1, step))


def baseline_instant(compare_to: str) -> Callable[[int], int]:
    return lambda t: shift_back(t, compare_to)  # type: ignore[arg-type]


def fetch_baseline(source: Database | Session, spec: DataSpec, compare_to: str, *, first: int, last: int,
                   window: int) -> dict[str, list[DataPoint]]:
    """The unshifted past data covering the baseline windows of every instant in [first, last]."""
    then = baseline_instant(compare_to)
    return fetch(source, spec, then(first) - window, then(last))
