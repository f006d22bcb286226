"""Find and load the Chalice apps under `functions/`, ready for a threaded server."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from chalice import Chalice
from chalice.app import ScheduledEventConfig, SQSEventConfig
from chalice.local import LocalChalice

from vigil.platform.resources import REPO_ROOT

FUNCTIONS_DIR = REPO_ROOT / "functions"


@dataclass(frozen=True)
class LoadedApp:
    service: str
    app: Chalice

    @property
    def queue_handlers(self) -> list[SQSEventConfig]:
        return [e for e in self.app.event_sources if isinstance(e, SQSEventConfig)]

    @property
    def schedules(self) -> list[ScheduledEventConfig]:
        return [e for e in self.app.event_sources if isinstance(e, ScheduledEventConfig)]


_loaded: dict[Path, LoadedApp] = {}


def load_app(path: Path) -> LoadedApp:
    """Import one `app.py` under a unique module name (each Lambda has its own `app`)."""
    path = path.resolve()
    if path in _loaded:
        return _loaded[path]
    service = path.parent.name
    module_name = f"vigil_functions_{service}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    app: Chalice = module.app
    # Chalice keeps current_request on the app; the threaded server needs it per thread,
    # exactly as `chalice local` does.
    if not isinstance(app, LocalChalice):
        app.__class__ = type(f"Local{type(app).__name__}", (LocalChalice, type(app)), {})
    loaded = LoadedApp(service, app)
    _loaded[path] = loaded
    return loaded


def load_all(functions_dir: Path = FUNCTIONS_DIR, *, only: Sequence[str] | None = None) -> list[LoadedApp]:
    """Every app under `functions_dir`, or just the services named in `only`."""
    paths = sorted(functions_dir.glob("*/app.py"))
    if only is not None:
        unknown = set(only) - {p.parent.name for p in paths}
        if unknown:
            raise ValueError(f"no such service(s) under {functions_dir}: {sorted(unknown)}")
        paths = [p for p in paths if p.parent.name in only]
    return [load_app(p) for p in paths]
