"""Start the whole platform on one machine; stop everything it started."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, make_server

from vigil import aws, db, redis
from vigil import settings as settings_mod
from vigil.events import consumer, publisher
from vigil.local.apps import FUNCTIONS_DIR, LoadedApp, load_all
from vigil.local.embedded import Embedded
from vigil.local.gateway import Gateway
from vigil.local.queues import QueuePoller, start_pollers
from vigil.local.scheduler import Scheduler
from vigil.local.secrets import ensure_local_secrets
from vigil.logging import get_logger
from vigil.migrations import migrate
from vigil.ops import dlq, metrics
from vigil.platform import bootstrap as bootstrap_mod
from vigil.platform.resources import DEFAULT_DEFINITION, REPO_ROOT, ResourceDefinition, load
from vigil.settings import Settings

log = get_logger(__name__)


def reset_adapters() -> None:
    db.reset()
    redis.reset()
    aws.reset()
    publisher.reset()
    consumer.reset()


class LocalRuntime:
    def __init__(
        self,
        settings: Settings,
        *,
        definition: Path = DEFAULT_DEFINITION,
        functions_dir: Path = FUNCTIONS_DIR,
        serve: bool = True,
        run_queues: bool = True,
        only: Sequence[str] | None = None,
    ) -> None:
        """`only` names the services to load (a test of one consumer keeps the others' pollers
        out of its way); default: every app under `functions_dir`."""
        self.settings = settings
        self.definition = definition
        self.functions_dir = functions_dir
        self.serve = serve
        self.run_queues = run_queues
        self.only = only
        self.embedded = Embedded()
        self.stop_event = threading.Event()
        self.apps: list[LoadedApp] = []
        self.pollers: list[QueuePoller] = []
        self.scheduler: Scheduler | None = None
        self.server: BaseWSGIServer | None = None
        self._server_thread: threading.Thread | None = None
        self._dlq_collector: Callable[[], None] | None = None
        self._previous_settings = settings_mod.current_override()

    @property
    def base_url(self) -> str:
        assert self.server is not None
        return f"http://{self.settings.host}:{self.server.server_port}"

    def start(self) -> LocalRuntime:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        s = self.settings
        data = Path(s.data_dir)
        update: dict[str, object] = {}
        if not s.database_url:
            update["database_url"] = self.embedded.postgres(data / "postgres")
        if not s.redis_url:
            update["redis_url"] = self.embedded.redis(data / "redis")
        if not s.aws_endpoint_url and not s.use_localstack and s.stage == "local":
            update["aws_endpoint_url"] = self.embedded.moto()
        s = ensure_local_secrets(s.model_copy(update=update))
        self.settings = s
        settings_mod.configure(s)
        reset_adapters()

        applied = migrate(db.get_database())
        log.info("database migrated", extra={"applied": [m.version for m in applied]})
        bootstrap_mod.bootstrap(load(self.definition), s)
        if s.seed_demo:
            from vigil import seed

            seed.run_all()

        self.apps = load_all(self.functions_dir, only=self.only)
        if self.run_queues:
            self.pollers = start_pollers(self.apps, s, self.stop_event)
        self.scheduler = Scheduler(self.apps)
        if s.schedules_enabled:
            self.scheduler.start()
        if self.serve:
            gateway = Gateway(self.apps, frontend_dist=(REPO_ROOT / s.frontend_dist),
                              extra_routes={"/metrics": self._metrics_route(load(self.definition))})
            self.server = make_server(s.host, s.port, gateway, threaded=True)
            self._server_thread = threading.Thread(target=self.server.serve_forever, name="http", daemon=True)
            self._server_thread.start()
            log.info("platform running", extra={"url": self.base_url, "apps": [a.service for a in self.apps]})

    def _metrics_route(self, definition: ResourceDefinition) -> Callable[[], tuple[int, str, bytes]]:
        """Prometheus text of this process's metrics, DLQ depths read at each scrape."""
        self._dlq_collector = dlq.depth_collector(definition)
        metrics.REGISTRY.add_collector(self._dlq_collector)

        def route() -> tuple[int, str, bytes]:
            return 200, "text/plain; version=0.0.4; charset=utf-8", metrics.REGISTRY.render_prometheus().encode()

        return route

    def stop(self) -> None:
        if self._dlq_collector is not None:
            metrics.REGISTRY.remove_collector(self._dlq_collector)
        self.stop_event.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.scheduler is not None:
            self.scheduler.stop()
        for p in self.pollers:
            p.join(timeout=5)
        reset_adapters()
        self.embedded.stop()
        settings_mod.configure(self._previous_settings)
        reset_adapters()
        log.info("platform stopped")
