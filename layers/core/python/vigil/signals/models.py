"""A signal point as ingested and returned."""

from __future__ import annotations

import math

from pydantic import Field, field_validator

from vigil.api.models import ApiModel

LOADER_CODE = r"^[A-Z][A-Z0-9_]{0,63}$"
SEGMENT_CODE = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
DEFAULT_SEGMENT = "ALL"


class SignalPoint(ApiModel):
    loader_code: str = Field(pattern=LOADER_CODE, description="UPPER_SNAKE_CASE loader code")
    segment_code: str = Field(DEFAULT_SEGMENT, pattern=SEGMENT_CODE)
    load_time_stamp: int = Field(ge=0, le=32503680000, description="epoch seconds, UTC")
    rec_count: int = Field(0, ge=0)
    max_val: float | None = None
    min_val: float | None = None
    avg_val: float | None = None
    sum_val: float | None = None

    @field_validator("max_val", "min_val", "avg_val", "sum_val")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not math.isfinite(v):
            raise ValueError("must be a finite number")
        return v
