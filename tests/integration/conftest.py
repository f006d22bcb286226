"""Source databases for the loaders' tests: a PostgreSQL and a MariaDB (as MySQL) database of
this module's own, each with a read-only and a read-write account, dropped afterwards."""

from __future__ import annotations

import pytest

from tests.support import loaders_sources


@pytest.fixture(scope="module")
def pg(services):
    server = loaders_sources.create_postgres(services.admin_url)
    yield server
    loaders_sources.drop_postgres(server)


@pytest.fixture(scope="module")
def my(services):
    server = loaders_sources.create_mysql()
    yield server
    loaders_sources.drop_mysql(server)
