"""Redis cache of query answers, keyed by every parameter and the loader's data version.

The version lives in PostgreSQL (`signals_versions`) and is bumped inside the ingest
transaction, so the moment new points commit, every key built from the old version is
unreachable: a reader never gets an answer older than the data already ingested, whichever
path wrote it (`ingest` or `ingest_in` in a caller's transaction). Old keys simply expire.

TTL: 5 minutes when the range touches the last 24 hours (late points may still arrive and the
"now" edge moves), 1 hour otherwise. A Redis failure degrades to an uncached answer.
"""

from __future__ import annotations

import hashlib
import json

from vigil.logging import get_logger
from vigil.redis import RedisError, Store
from vigil.signals.schemas import SignalQuery

log = get_logger(__name__)

RECENT_TTL_SECONDS = 300
HISTORICAL_TTL_SECONDS = 3600
RECENT_WINDOW_SECONDS = 86400
FORMAT = 1  # bump when the cached JSON changes shape, so old entries are never parsed


def key(store: Store, q: SignalQuery, version: int, *, kind: str = "q") -> str:
    params = json.dumps(q.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(params.encode()).hexdigest()[:32]
    return store.key("signals", kind, q.loader_code, f"v{version}", f"f{FORMAT}", digest)


def ttl_for(q: SignalQuery, *, now: float) -> int:
    return RECENT_TTL_SECONDS if q.to_epoch >= now - RECENT_WINDOW_SECONDS else HISTORICAL_TTL_SECONDS


def get(store: Store | None, cache_key: str) -> str | None:
    if store is None:
        return None
    try:
        value = store.client.get(cache_key)
    except RedisError as exc:
        log.warning("signals cache read failed", extra={"error": str(exc)})
        return None
    return value if isinstance(value, str) else None


def put(store: Store | None, cache_key: str, payload: str, *, ttl: int) -> None:
    if store is None:
        return
    try:
        store.client.set(cache_key, payload, ex=ttl)
    except RedisError as exc:
        log.warning("signals cache write failed", extra={"error": str(exc)})
