"""Cut off a user's live access tokens at once (disabled, demoted, password reset).

Access tokens are short-lived JWTs checked without the database; this one Redis key per
affected user closes the gap until they expire.
"""

from __future__ import annotations

import time

from vigil.identity.models import Principal
from vigil.redis import RedisError, Store
from vigil.settings import get_settings


def revoke_tokens_issued_before_now(store: Store, user_id: str) -> None:
    s = get_settings()
    store.client.set(store.key("tokens-revoked", user_id), int(time.time()),
                     ex=s.jwt_access_ttl_seconds + s.jwt_leeway_seconds)


def is_revoked(store: Store, principal: Principal) -> bool:
    try:
        cutoff = store.client.get(store.key("tokens-revoked", principal.user_id))
    except RedisError:
        return False  # fail open: the token is still signed and expires within minutes
    return cutoff is not None and principal.issued_at <= int(cutoff)
