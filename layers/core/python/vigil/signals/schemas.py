"""Request and response models of the signals surface (query, bulk ingest, raw read)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from vigil.api.models import ApiModel, ResponseModel
from vigil.signals.models import LOADER_CODE, SEGMENT_CODE

Aggregation = Literal["raw", "avg", "sum", "min", "max"]
Bucket = Literal["1m", "5m", "15m", "1h", "1d"]
BUCKET_SECONDS: dict[str, int] = {"1m": 60, "5m": 300, "15m": 900, "1h": 3600, "1d": 86400}
MAX_EPOCH = 32503680000  # year 3000
MIN_LIMIT, MAX_LIMIT = 2, 100_000


class TimeWindow(ApiModel):
    """Epoch seconds UTC, both ends inclusive."""

    from_epoch: int = Field(ge=0, le=MAX_EPOCH)
    to_epoch: int = Field(ge=0, le=MAX_EPOCH)

    @field_validator("to_epoch")
    @classmethod
    def _ordered(cls, v: int, info: ValidationInfo) -> int:
        start = info.data.get("from_epoch")
        if start is not None and v < start:
            raise ValueError("toEpoch must not be before fromEpoch")
        return v


class SignalQuery(TimeWindow):
    """One query over a loader's signals (the contract is in `vigil.signals.query`)."""

    loader_code: str = Field(pattern=LOADER_CODE)
    segment_code: list[str] | None = Field(
        None, description="repeatable (or comma-separated); given → one series per segment, "
        "absent → all segments combined",
        max_length=100,
    )
    aggregation: Aggregation = "raw"
    bucket: Bucket | None = Field(
        None, description="required shape for aggregations; absent → the smallest bucket that "
        "fits `limit` buckets; not allowed with aggregation=raw",
    )
    limit: int = Field(10_000, ge=MIN_LIMIT, le=MAX_LIMIT,
                       description="maximum points per series; more are reduced by LTTB")

    @field_validator("segment_code")
    @classmethod
    def _segments(cls, v: list[str] | None) -> list[str] | None:
        v = [c.strip() for item in v or [] for c in item.split(",") if c.strip()]  # "EU,US" works too
        if not v:
            return None
        for code in v:
            if not re.match(SEGMENT_CODE, code):
                raise ValueError(f"{code!r} is not a valid segment code")
        return sorted(set(v))

    @field_validator("bucket")
    @classmethod
    def _bucket_needs_aggregation(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is not None and info.data.get("aggregation") == "raw":
            raise ValueError("bucket needs an aggregation (avg, sum, min or max); raw returns points as stored")
        return v

    @property
    def split(self) -> bool:
        return self.segment_code is not None


class TimeRange(ResponseModel):
    from_: int = Field(alias="from")
    to: int


class DataPoint(ResponseModel):
    timestamp: int
    rec_count: int
    avg_val: float | None = None
    sum_val: float | None = None
    min_val: float | None = None
    max_val: float | None = None
    segment_code: str | None = Field(None, exclude_if=lambda v: v is None)


class QueryResult(ResponseModel):
    loader_code: str
    time_range: TimeRange
    aggregation: Aggregation
    bucket: Bucket | None
    sampled: bool
    original_points: int = Field(description="points (or buckets) before LTTB sampling")
    data_points: list[DataPoint]


class BulkRequest(ApiModel):
    """Points are validated one by one in the service, so errors name `signals[i].field`."""

    signals: list[dict[str, Any]] = Field(description="SignalPoint objects")


class BulkAccepted(ResponseModel):
    accepted: int


class RawQuery(TimeWindow):
    """The raw read's query: just the window."""


class RawPoint(ResponseModel):
    timestamp: int
    segment_code: str
    rec_count: int
    max_val: float | None
    min_val: float | None
    avg_val: float | None
    sum_val: float | None


class RawSignals(ResponseModel):
    loader_code: str
    data_points: list[RawPoint]
