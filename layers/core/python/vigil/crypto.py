"""AES-256-GCM encryption of secrets at rest, with the key id inside every ciphertext so keys
can rotate: all configured keys decrypt, the active one encrypts, and `vigil reencrypt`
rewrites every stored secret under the active key.

Ciphertext format: ``enc:v1:<kid>:<base64url(nonce ‖ ciphertext ‖ tag)>``; the key id and
the optional context (for example "source_databases.password") are authenticated data, so a
ciphertext moved to another column or relabelled with another key id does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vigil import errors
from vigil.settings import get_settings

PREFIX = "enc:v1:"


class TamperedSecret(errors.VigilError):
    """A ciphertext that does not authenticate: altered, truncated, or for another context."""

    code = "TAMPERED_SECRET"


class UnknownKey(errors.VigilError):
    """A ciphertext made with a key id that is no longer configured."""

    code = "UNKNOWN_KEY"


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    active: str

    @classmethod
    def parse(cls, spec: str, active: str | None = None) -> Keyring:
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for item in (p.strip() for p in spec.split(",") if p.strip()):
            kid, _, b64 = item.partition(":")
            try:
                key = base64.b64decode(b64, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise errors.ValidationFailed(f"encryption key {kid!r} is not base64") from exc
            if not kid or len(key) != 32:
                raise errors.ValidationFailed(f"encryption key {kid!r} must be 32 bytes (AES-256)")
            keys[kid] = key
            order.append(kid)
        if not keys:
            raise errors.DependencyUnavailable("ENCRYPTION_KEYS is not configured")
        chosen = active or order[-1]
        if chosen not in keys:
            raise errors.ValidationFailed(f"ENCRYPTION_ACTIVE_KEY_ID {chosen!r} is not among the keys")
        return cls(keys, chosen)


def keyring() -> Keyring:
    s = get_settings()
    if s.encryption_keys is None:
        raise errors.DependencyUnavailable("ENCRYPTION_KEYS is not configured")
    return Keyring.parse(s.encryption_keys.get_secret_value(), s.encryption_active_key_id)


def encrypt(plaintext: str, *, context: str = "", ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    nonce = os.urandom(12)
    aad = f"{ring.active}|{context}".encode()
    sealed = AESGCM(ring.keys[ring.active]).encrypt(nonce, plaintext.encode(), aad)
    return f"{PREFIX}{ring.active}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def key_id(ciphertext: str) -> str:
    if not ciphertext.startswith(PREFIX):
        raise TamperedSecret("not an encrypted value")
    return ciphertext[len(PREFIX):].split(":", 1)[0]


def decrypt(ciphertext: str, *, context: str = "", ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    kid = key_id(ciphertext)
    if kid not in ring.keys:
        raise UnknownKey(f"no configured key with id {kid!r}")
    try:
        blob = base64.urlsafe_b64decode(ciphertext[len(PREFIX) + len(kid) + 1:])
        plain = AESGCM(ring.keys[kid]).decrypt(blob[:12], blob[12:], f"{kid}|{context}".encode())
    except (InvalidTag, ValueError, binascii.Error) as exc:
        raise TamperedSecret("the encrypted value failed authentication") from exc
    return plain.decode()


def needs_rotation(ciphertext: str, ring: Keyring | None = None) -> bool:
    return key_id(ciphertext) != (ring or keyring()).active


@dataclass(frozen=True)
class EncryptedColumn:
    """A column holding ciphertexts; `context` is the AAD used for it."""

    table: str
    key: str
    column: str

    @property
    def context(self) -> str:
        return f"{self.table}.{self.column}"


# Domains append the columns they encrypt; `vigil reencrypt` walks them all.
ENCRYPTED_COLUMNS: list[EncryptedColumn] = []


def register(table: str, key: str, column: str) -> EncryptedColumn:
    col = EncryptedColumn(table, key, column)
    if col not in ENCRYPTED_COLUMNS:
        ENCRYPTED_COLUMNS.append(col)
    return col
