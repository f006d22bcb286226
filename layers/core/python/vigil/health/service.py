"""Check each dependency once; the platform is ok only when all are."""

from __future__ import annotations

import time
from collections.abc import Callable

from pydantic import BaseModel


class ComponentHealth(BaseModel):
    status: str
    latencyMs: float
    error: str | None = None


class HealthReport(BaseModel):
    status: str
    components: dict[str, ComponentHealth]


def check(probes: dict[str, Callable[[], bool]]) -> HealthReport:
    components: dict[str, ComponentHealth] = {}
    for name, probe in probes.items():
        started = time.perf_counter()
        error = None
        try:
            ok = bool(probe())
        except Exception as exc:  # noqa: BLE001 - a failing probe is a finding, not a crash
            ok, error = False, f"{type(exc).__name__}: {exc}"[:300]
        components[name] = ComponentHealth(
            status="ok" if ok else "down",
            latencyMs=round((time.perf_counter() - started) * 1000, 1),
            error=error,
        )
    overall = "ok" if all(c.status == "ok" for c in components.values()) else "degraded"
    return HealthReport(status=overall, components=components)
