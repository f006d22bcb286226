"""Shared fixtures. Every run gets its own database, Redis prefix and moto server."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's request lines drown real failures

from tests.support import services as services_mod  # noqa: E402
from vigil import settings as settings_mod  # noqa: E402
from vigil.local.runtime import reset_adapters  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    # pytest's default temp root keeps the last three runs' folders and deletes older ones,
    # including those of a run still going: each run gets a root of its own instead.
    if not config.option.basetemp:
        import tempfile

        config.option.basetemp = tempfile.mkdtemp(prefix="vigil-pytest-")
        config.stash[_OWN_BASETEMP] = config.option.basetemp


_OWN_BASETEMP = pytest.StashKey[str]()


def pytest_unconfigure(config: pytest.Config) -> None:
    import shutil

    if own := config.stash.get(_OWN_BASETEMP, None):
        shutil.rmtree(own, ignore_errors=True)


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[services_mod.TestServices]:
    svc = services_mod.start(tmp_path_factory.mktemp("services"))
    settings_mod.configure(svc.settings)
    reset_adapters()
    from vigil.db import get_database
    from vigil.migrations import migrate
    from vigil.platform.bootstrap import bootstrap
    from vigil.platform.resources import load

    migrate(get_database())
    bootstrap(load())
    try:
        yield svc
    finally:
        svc.close()
        settings_mod.configure(None)


@pytest.fixture
def db(services):  # noqa: ANN001, ANN201
    from vigil.db import get_database

    return get_database()


@pytest.fixture
def store(services):  # noqa: ANN001, ANN201
    from vigil.redis import get_store

    return get_store()


@pytest.fixture(scope="session")
def gateway(services):  # noqa: ANN001, ANN201
    from vigil.local.apps import load_all
    from vigil.local.gateway import Gateway

    return Gateway(load_all())


@pytest.fixture
def client(gateway):  # noqa: ANN001, ANN201
    from tests.support.client import ApiClient

    return ApiClient(gateway)


@pytest.fixture(scope="session")
def users(services):  # noqa: ANN001, ANN201
    """One user per role, created once per run: {role: (username, password, token)}."""
    from tests.support.identity import make_users

    return make_users()


@pytest.fixture
def admin(client, users):  # noqa: ANN001, ANN201
    return client.as_user(users["ADMIN"].token)


@pytest.fixture
def operator(client, users):  # noqa: ANN001, ANN201
    return client.as_user(users["OPERATOR"].token)


@pytest.fixture
def viewer(client, users):  # noqa: ANN001, ANN201
    return client.as_user(users["VIEWER"].token)
