"""Fire each app's `@app.schedule` functions on time, as EventBridge would.

`tick(now)` is the whole decision (which schedules are due), so it can be driven by a test
clock; the thread just calls it once a second. A run still going when its next slot comes is
not started twice.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalice.app import Cron, Rate, ScheduledEventConfig
from chalice.local import LambdaContext
from croniter import croniter

from vigil.local.apps import LoadedApp
from vigil.logging import get_logger

log = get_logger(__name__)

_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_SECONDS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


def expression(value: Any) -> str:
    if isinstance(value, Rate | Cron):
        return value.to_string()
    return str(value)


def next_after(expr: str, after: float) -> float:
    """The first firing time strictly after `after` (epoch seconds, UTC)."""
    rate = _RATE.match(expr)
    if rate:
        period = int(rate.group(1)) * _SECONDS[rate.group(2)]
        return after + period
    cron = re.match(r"^cron\((.+)\)$", expr)
    if not cron:
        raise ValueError(f"unsupported schedule expression {expr!r}")
    # AWS cron has six fields (with year) and '?' for "any"; croniter takes the first five.
    fields = cron.group(1).replace("?", "*").split()[:5]
    start = datetime.fromtimestamp(after, UTC)
    return float(croniter(" ".join(fields), start).get_next(float))


@dataclass
class Job:
    loaded: LoadedApp
    source: ScheduledEventConfig
    expr: str
    due: float
    running: threading.Lock = field(default_factory=threading.Lock)
    fired: int = 0


class Scheduler:
    def __init__(self, apps: list[LoadedApp], *, now: float | None = None) -> None:
        start = time.time() if now is None else now
        self.jobs = [
            Job(a, s, expression(s.schedule_expression), 0.0)
            for a in apps for s in a.schedules
        ]
        for job in self.jobs:
            job.due = next_after(job.expr, start)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self, now: float, *, wait: bool = False) -> list[str]:
        """Start every job that is due at `now`; return their names."""
        started = []
        for job in self.jobs:
            if now < job.due:
                continue
            job.due = next_after(job.expr, now)
            if not job.running.acquire(blocking=False):
                log.warning("schedule still running; slot skipped", extra={"schedule": job.source.name})
                continue
            thread = threading.Thread(target=self._run, args=(job, now), name=f"sched-{job.source.name}", daemon=True)
            thread.start()
            started.append(job.source.name)
            if wait:
                thread.join()
        return started

    def _run(self, job: Job, now: float) -> None:
        try:
            event = {
                "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
                "source": "aws.events", "account": "000000000000",
                "time": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "region": "us-east-1", "resources": [f"rule/{job.source.name}"], "detail": {},
            }
            ctx = LambdaContext(function_name=job.source.name, memory_size=1024, max_runtime_ms=900_000)
            job.loaded.app.handler_map[job.source.name](event, ctx)
            job.fired += 1
        except Exception:  # noqa: BLE001 - one failing schedule must not stop the others
            log.exception("scheduled function failed", extra={"schedule": job.source.name})
        finally:
            job.running.release()

    def start(self) -> None:
        def loop() -> None:
            while not self._stop.wait(1.0):
                self.tick(time.time())

        self._thread = threading.Thread(target=loop, name="scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
