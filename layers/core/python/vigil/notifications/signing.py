"""HMAC-SHA256 request signing of the SMS/IVR middleware contract (both directions).

The signature covers the timestamp and the exact body bytes: ``v1=hex(HMAC(secret,
"<timestamp>.<body>"))``. A receiver recomputes it, compares in constant time and refuses
timestamps further than `tolerance` seconds from its clock (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Vigil-Signature"
TIMESTAMP_HEADER = "X-Vigil-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
CONTRACT_HEADER = "X-Vigil-Contract"
CONTRACT_VERSION = "1"
DEFAULT_TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def sign(secret: str, body: bytes, *, idempotency_key: str | None = None,
         now: float | None = None) -> dict[str, str]:
    """Headers to send with `body`."""
    timestamp = str(int(now if now is not None else time.time()))
    headers = {
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        CONTRACT_HEADER: CONTRACT_VERSION,
        "Content-Type": "application/json",
    }
    if idempotency_key:
        headers[IDEMPOTENCY_HEADER] = idempotency_key
    return headers


def verify(secret: str, headers: dict[str, str], body: bytes, *,
           tolerance: int = DEFAULT_TOLERANCE_SECONDS, now: float | None = None) -> bool:
    """True when the headers carry a fresh, valid signature of `body`."""
    lowered = {k.lower(): v for k, v in headers.items()}
    timestamp = lowered.get(TIMESTAMP_HEADER.lower(), "")
    given = lowered.get(SIGNATURE_HEADER.lower(), "")
    if not timestamp.isdigit() or not given:
        return False
    if abs((now if now is not None else time.time()) - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(given.encode(), signature(secret, timestamp, body).encode())
