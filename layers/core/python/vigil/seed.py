"""Demo data for the local runtime. Each domain adds an idempotent step to STEPS."""

from __future__ import annotations

from collections.abc import Callable

from vigil.logging import get_logger

log = get_logger(__name__)


def _identity() -> None:
    from vigil.db import get_database
    from vigil.identity import service
    from vigil.settings import get_settings

    service.ensure_demo_admin(
        get_database(), password=get_settings().demo_admin_password.get_secret_value()
    )


def _loaders() -> None:
    from vigil.db import get_database
    from vigil.loaders import demo
    from vigil.settings import get_settings

    s = get_settings()
    demo.seed(get_database(), database_url=str(s.database_url),
              connect_timeout=s.source_connect_timeout_seconds)


def _charts_and_rules() -> None:
    from functools import partial

    from vigil.alerting import demo as alert_demo
    from vigil.dashboards import demo as dashboard_demo
    from vigil.db import get_database
    from vigil.governance import audit

    system = partial(audit.record, actor="system", actor_role=None)
    chart_ids = dashboard_demo.seed(get_database(), audit=system)
    alert_demo.seed(get_database(), chart_ids, audit=system)


def _incidents() -> None:
    from vigil.db import get_database
    from vigil.incidents import demo

    demo.seed(get_database())


def _notifications() -> None:
    from vigil.db import get_database
    from vigil.notifications import defaults

    defaults.ensure_default_ladder(get_database())


STEPS: list[tuple[str, Callable[[], None]]] = [
    ("identity", _identity),
    ("loaders", _loaders),
    ("charts and rules", _charts_and_rules),
    ("incidents", _incidents),
    ("notifications", _notifications),
]


def run_all() -> None:
    for name, step in STEPS:
        step()
        log.info("demo seed applied", extra={"step": name})
