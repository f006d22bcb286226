"""`vigil run` plus an alert evaluation cycle every two seconds, for end-to-end tests.

The minute schedule would make a browser test wait up to a minute for an alert; this runtime
keeps the schedules off (SCHEDULES_ENABLED=false, as the e2e platform does) and runs the
evaluator itself, the same `evaluator.run_cycle` the schedule calls. Start it with
`python -m tests.support.evaluating_runtime`; SIGTERM stops it and everything it started.
"""

from __future__ import annotations

import signal
import threading

from vigil import logging as vlog
from vigil.alerting import evaluator
from vigil.db import get_database
from vigil.local.runtime import LocalRuntime
from vigil.logging import get_logger
from vigil.redis import get_store
from vigil.settings import get_settings

log = get_logger(__name__)
CYCLE_SECONDS = 2.0


def main() -> int:
    vlog.setup(get_settings().log_level)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    runtime = LocalRuntime(get_settings()).start()
    print(f"Vigil is running at {runtime.base_url} (evaluating alerts every {CYCLE_SECONDS:g} s)", flush=True)
    try:
        while not done.wait(CYCLE_SECONDS):
            try:
                evaluator.run_cycle(db=get_database(), store=get_store())
            except Exception:  # noqa: BLE001 - a failed cycle is logged; the next one may succeed
                log.exception("alert evaluation cycle failed")
    finally:
        runtime.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
