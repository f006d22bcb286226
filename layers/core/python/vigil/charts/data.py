"""A chart's data: its resolved definition turned into one signals query, so the UI, alert
rules and RCA reports all read exactly what the chart shows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from vigil import errors
from vigil.api.errors import validation_details
from vigil.charts import echarts
from vigil.charts.models import ResolvedChart
from vigil.charts.service import resolve_chart
from vigil.db import Database
from vigil.redis import Store
from vigil.signals import query as signals
from vigil.signals.schemas import QueryResult, SignalQuery


def signal_query(chart: ResolvedChart, *, from_epoch: int, to_epoch: int) -> SignalQuery:
    params = dict(chart.data_source.params)
    segments = params.get("segmentCode")
    if isinstance(segments, str):
        segments = [s for s in segments.split(",") if s]
    try:
        return SignalQuery(
            loader_code=params.get("loaderCode"), from_epoch=from_epoch, to_epoch=to_epoch,
            segment_code=segments or None, aggregation=params.get("aggregation", "raw"),
            bucket=params.get("bucket"), limit=int(params.get("limit", 10_000)),
        )
    except (ValidationError, ValueError, TypeError) as exc:
        details = validation_details(exc, prefix="dataSource.params") if isinstance(exc, ValidationError) else [
            {"field": "dataSource.params.limit", "message": str(exc)}]
        raise errors.ValidationFailed("the chart's data source does not make a valid query", details=details) from exc


def chart_data(*, db: Database, store: Store | None, chart_id: str, from_epoch: int, to_epoch: int,
               values: Mapping[str, str] | None = None) -> tuple[ResolvedChart, QueryResult]:
    chart = resolve_chart(db, chart_id, values)
    return chart, signals.run(db=db, store=store, q=signal_query(chart, from_epoch=from_epoch, to_epoch=to_epoch))


def chart_echarts(*, db: Database, store: Store | None, chart_id: str, from_epoch: int, to_epoch: int,
                  values: Mapping[str, str] | None = None) -> dict[str, Any]:
    chart, result = chart_data(db=db, store=store, chart_id=chart_id, from_epoch=from_epoch, to_epoch=to_epoch,
                               values=values)
    data = result.model_dump(mode="json", by_alias=True)
    return {"option": echarts.render(chart, data), "sampled": result.sampled,
            "originalPoints": result.original_points, "chartType": chart.chart_type}
