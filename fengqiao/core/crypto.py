"""The crypto provider: SM3 hashing and SM4 encryption behind one small interface.

The software provider uses `cryptography` (OpenSSL). A deployment that must pass 密评 plugs an
HSM or KMS in by naming another class in FENGQIAO_CRYPTO_PROVIDER.
"""

from __future__ import annotations

import hmac
import os
from functools import cache
from typing import Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

NONCE_BYTES = 12
TAG_BYTES = 16
VERSION = b"\x01"


class CryptoProvider(Protocol):
    def sm3(self, data: bytes) -> bytes: ...

    def hmac_sm3(self, data: bytes) -> bytes: ...

    def encrypt(self, plaintext: bytes) -> bytes: ...

    def decrypt(self, ciphertext: bytes) -> bytes: ...


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    """HMAC (RFC 2104) over SM3."""
    return hmac.new(key, data, digestmod=_SM3Digest).digest()  # type: ignore[arg-type]


class SoftwareSMProvider:
    """SM4-GCM with a 128-bit key held in process memory; HMAC-SM3 with a derived key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 16:
            raise ImproperlyConfigured("SM4 密钥必须是 16 字节（32 位十六进制）")
        self._key = key
        self._mac_key = sm3(b"fengqiao-blind-index" + key)

    def sm3(self, data: bytes) -> bytes:
        return sm3(data)

    def hmac_sm3(self, data: bytes) -> bytes:
        return hmac_sm3(self._mac_key, data)

    def encrypt(self, plaintext: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        encryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce)).encryptor()
        body = encryptor.update(plaintext) + encryptor.finalize()
        return VERSION + nonce + body + encryptor.tag

    def decrypt(self, ciphertext: bytes) -> bytes:
        if ciphertext[:1] != VERSION:
            raise ValueError("unknown ciphertext version")
        nonce = ciphertext[1 : 1 + NONCE_BYTES]
        body, tag = ciphertext[1 + NONCE_BYTES : -TAG_BYTES], ciphertext[-TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce, tag)).decryptor()
        return decryptor.update(body) + decryptor.finalize()


class _SM3Digest:
    """Adapter so that `hmac` can drive SM3 (hmac wants a hashlib-style constructor)."""

    digest_size = 32
    block_size = 64
    name = "sm3"

    def __init__(self, data: bytes = b"") -> None:
        self._h = hashes.Hash(hashes.SM3())
        if data:
            self._h.update(data)

    def update(self, data: bytes) -> None:
        self._h.update(data)

    def digest(self) -> bytes:
        return self._h.copy().finalize()

    def copy(self) -> _SM3Digest:
        clone = _SM3Digest()
        clone._h = self._h.copy()
        return clone


def development_key(name: str, size: int = 16) -> bytes:
    """DEBUG only: a key generated once and kept beside the embedded database."""
    path = settings.DATA_DIR / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(os.urandom(size).hex(), encoding="utf-8")
        path.chmod(0o600)
    return bytes.fromhex(path.read_text(encoding="utf-8").strip())


@cache
def provider() -> CryptoProvider:
    if settings.SM4_KEY:
        key = bytes.fromhex(settings.SM4_KEY)
    elif settings.DEBUG:
        key = development_key("sm4.key")
    else:
        raise ImproperlyConfigured("生产环境必须设置 FENGQIAO_SM4_KEY")
    cls = import_string(settings.CRYPTO_PROVIDER)
    instance: CryptoProvider = cls(key)
    return instance
