"""Development secrets for the local runtime: generated once per data dir, never for AWS."""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from vigil.settings import Settings


def ensure_local_secrets(settings: Settings) -> Settings:
    """Fill JWT_SECRET and ENCRYPTION_KEYS from `<data dir>/secrets.json` when not configured."""
    if settings.jwt_secret is not None and settings.encryption_keys is not None:
        return settings
    path = Path(settings.data_dir) / "secrets.json"
    if path.exists():
        stored = json.loads(path.read_text())
    else:
        stored = {
            "jwtSecret": secrets.token_urlsafe(48),
            "encryptionKeys": "local1:" + base64.b64encode(os.urandom(32)).decode(),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored))
        path.chmod(0o600)
    update = {}
    if settings.jwt_secret is None:
        update["jwt_secret"] = SecretStr(stored["jwtSecret"])
    if settings.encryption_keys is None:
        update["encryption_keys"] = SecretStr(stored["encryptionKeys"])
    return settings.model_copy(update=update)
