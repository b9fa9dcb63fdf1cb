"""Personal data sealed at rest: AES-GCM from `cryptography`, each value with its key id.

A sealed value is `v1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>`. The key id travels with
the value, so keys can rotate: new values use the current key, old ones open with the key they
name until `python -m bot rotate-key` has sealed them again. The associated data binds a value
to its table, column and row: a ciphertext copied into another row or column does not open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "v1."
KEY_BYTES = 32
NONCE_BYTES = 12
KID_LENGTH = 8


class KeyringError(Exception):
    """Base of the keyring's errors; the message is for the operator, never holds data."""


class UnknownKey(KeyringError):
    def __init__(self, kid: str) -> None:
        super().__init__(f"no key with id {kid} is configured")
        self.kid = kid


class Tampered(KeyringError):
    def __init__(self, where: str) -> None:
        super().__init__(f"a sealed value in {where} does not open: changed, moved or corrupt")


def key_id(key: bytes) -> str:
    """Derived from the key, so two deployments with the same key agree and a wrong key shows."""
    return hashlib.sha256(b"trygg-skole key id" + key).hexdigest()[:KID_LENGTH]


def parse_key(text: str) -> bytes:
    """A key as configured: base64 (standard or URL-safe) of exactly 32 bytes."""
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except ValueError:
        raise KeyringError("the key is not base64") from None
    if len(raw) != KEY_BYTES:
        raise KeyringError(f"the key must be {KEY_BYTES} bytes, not {len(raw)}")
    return raw


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=8 * KEY_BYTES)


@dataclass(frozen=True)
class Keyring:
    keys: Mapping[str, bytes]
    current: str

    @classmethod
    def of(cls, current: bytes, older: Iterable[bytes] = ()) -> Keyring:
        keys = {key_id(k): k for k in older}
        keys[key_id(current)] = current
        return cls(keys, key_id(current))

    def seal(self, plaintext: bytes, where: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.current]).encrypt(nonce, plaintext, where.encode())
        token = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
        return f"{PREFIX}{self.current}.{token}"

    def open(self, value: str, where: str) -> bytes:
        if not value.startswith(PREFIX):
            raise Tampered(where)
        kid, _, token = value[len(PREFIX) :].partition(".")
        key = self.keys.get(kid)
        if key is None:
            raise UnknownKey(kid)
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], where.encode())
        except (InvalidTag, ValueError):
            raise Tampered(where) from None

    def seal_json(self, value: Any, where: str) -> str:
        return self.seal(json.dumps(value, ensure_ascii=False, sort_keys=True).encode(), where)

    def open_json(self, value: str, where: str) -> Any:
        return json.loads(self.open(value, where))

    def seal_text(self, value: str, where: str) -> str:
        return self.seal(value.encode("utf-8"), where)

    def open_text(self, value: str, where: str) -> str:
        return self.open(value, where).decode("utf-8")

    def pseudonym(self, text: str) -> str:
        """A keyed hash: the same pupil finds the same notes without their name in the index."""
        mac_key = hashlib.sha256(b"trygg-skole pseudonym" + self.keys[self.current]).digest()
        return hmac.new(mac_key, text.encode("utf-8"), hashlib.sha256).hexdigest()
