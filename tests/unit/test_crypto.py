"""AES-256-GCM helper: round trip, tamper detection, contexts, key rotation."""

from __future__ import annotations

import base64
import os

import pytest

from vigil import crypto, errors


def _ring(*kids: str, active: str | None = None) -> crypto.Keyring:
    spec = ",".join(f"{k}:{base64.b64encode(os.urandom(32)).decode()}" for k in kids)
    return crypto.Keyring.parse(spec, active)


def test_round_trip_and_fresh_nonce_each_time():
    ring = _ring("k1")
    a = crypto.encrypt("s3cr3t ✓", context="t.c", ring=ring)
    b = crypto.encrypt("s3cr3t ✓", context="t.c", ring=ring)
    assert a != b and a.startswith("enc:v1:k1:")
    assert crypto.decrypt(a, context="t.c", ring=ring) == "s3cr3t ✓"
    assert "s3cr3t" not in a


def test_tampering_is_detected():
    ring = _ring("k1")
    token = crypto.encrypt("payload", ring=ring)
    blob = bytearray(base64.urlsafe_b64decode(token.split(":", 3)[3]))
    blob[-1] ^= 1
    forged = "enc:v1:k1:" + base64.urlsafe_b64encode(bytes(blob)).decode()
    with pytest.raises(crypto.TamperedSecret):
        crypto.decrypt(forged, ring=ring)
    with pytest.raises(crypto.TamperedSecret):
        crypto.decrypt(token[:-6], ring=ring)


def test_a_ciphertext_moved_to_another_column_does_not_decrypt():
    ring = _ring("k1")
    token = crypto.encrypt("db-password", context="source_databases.password", ring=ring)
    with pytest.raises(crypto.TamperedSecret):
        crypto.decrypt(token, context="jira_config.api_token", ring=ring)


def test_relabelling_the_key_id_does_not_decrypt():
    ring = _ring("k1", "k2")
    token = crypto.encrypt("x", ring=ring)  # k2 is active (last)
    relabelled = token.replace("enc:v1:k2:", "enc:v1:k1:")
    with pytest.raises(crypto.TamperedSecret):
        crypto.decrypt(relabelled, ring=ring)


def test_rotation_old_keys_decrypt_the_active_key_encrypts():
    old = _ring("k1")
    token = crypto.encrypt("value", ring=old)
    both = crypto.Keyring({**old.keys, **_ring("k2").keys}, "k2")
    assert crypto.decrypt(token, ring=both) == "value"
    assert crypto.needs_rotation(token, both)
    assert crypto.key_id(crypto.encrypt("value", ring=both)) == "k2"
    with pytest.raises(crypto.UnknownKey):
        crypto.decrypt(token, ring=_ring("k3"))


def test_keys_must_be_256_bit():
    with pytest.raises(errors.ValidationFailed, match="32 bytes"):
        crypto.Keyring.parse("k1:" + base64.b64encode(b"short").decode())
