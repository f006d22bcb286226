"""`vigil` command: run the platform, migrate, bootstrap, seed, print the OpenAPI document."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from vigil import logging as vlog
from vigil.settings import get_settings


def _run(_: argparse.Namespace) -> int:
    from vigil.local.runtime import LocalRuntime

    done = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        done.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    runtime = LocalRuntime(get_settings()).start()
    print(f"Vigil is running at {runtime.base_url}  (admin / admin123; Ctrl-C stops)", flush=True)
    # Wake up now and then: a signal delivered to another thread does not interrupt a wait
    # without a timeout, so the main thread would never run the handler.
    while not done.wait(0.5):
        pass
    runtime.stop()
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from vigil.db import get_database
    from vigil.migrations import migrate

    applied = migrate(get_database())
    print(json.dumps({"applied": [f"{m.version:04d}_{m.name}" for m in applied]}))
    return 0


def _bootstrap(args: argparse.Namespace) -> int:
    from vigil.platform.bootstrap import bootstrap
    from vigil.platform.resources import load

    print(json.dumps(bootstrap(load(args.definition)), indent=2))
    return 0


def _seed(_: argparse.Namespace) -> int:
    from vigil import seed

    seed.run_all()
    return 0


def _reencrypt(_: argparse.Namespace) -> int:
    from vigil.db import get_database
    from vigil.governance.reencrypt import reencrypt_all
    from vigil.local.apps import load_all

    load_all()  # the apps import the domains, which register their encrypted columns
    print(json.dumps(reencrypt_all(get_database())))
    return 0


def _openapi(_: argparse.Namespace) -> int:
    from vigil.api import openapi
    from vigil.local.apps import load_all

    load_all()
    print(json.dumps(openapi.build(), indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    from vigil.platform.resources import DEFAULT_DEFINITION

    parser = argparse.ArgumentParser(prog="vigil")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the whole platform locally").set_defaults(fn=_run)
    sub.add_parser("migrate", help="apply pending database migrations").set_defaults(fn=_migrate)
    b = sub.add_parser("bootstrap", help="create the AWS resources idempotently")
    b.add_argument("--definition", default=str(DEFAULT_DEFINITION))
    b.set_defaults(fn=_bootstrap)
    sub.add_parser("seed", help="load the demo data").set_defaults(fn=_seed)
    sub.add_parser("openapi", help="print the OpenAPI document").set_defaults(fn=_openapi)
    sub.add_parser("reencrypt", help="re-encrypt every stored secret under the active key").set_defaults(
        fn=_reencrypt)
    from vigil.ops import commands

    commands.register(sub, str(DEFAULT_DEFINITION))
    args = parser.parse_args(argv)
    vlog.setup(get_settings().log_level)
    return int(args.fn(args))


if __name__ == "__main__":
    sys.exit(main())
