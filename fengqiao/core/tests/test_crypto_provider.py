"""The crypto provider beyond the primitives: key handling (CRY-*), pluggable providers,
HMAC-SM3 against an independent construction, and the ciphertext format."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from fengqiao.core import crypto
from fengqiao.core.crypto import NONCE_BYTES, TAG_BYTES, VERSION, SoftwareSMProvider, sm3

KEY = bytes(range(16))


@pytest.fixture
def fresh_provider(settings: Any) -> Iterator[Any]:
    """Each test decides the settings; the cached provider is rebuilt before and after."""
    crypto.provider.cache_clear()
    yield settings
    crypto.provider.cache_clear()


def hmac_sm3_by_hand(key: bytes, message: bytes) -> bytes:
    """RFC 2104 written out with SM3 (block 64 bytes): an oracle independent of `hmac`."""
    if len(key) > 64:
        key = sm3(key)
    key = key.ljust(64, b"\x00")
    inner = sm3(bytes(b ^ 0x36 for b in key) + message)
    return sm3(bytes(b ^ 0x5C for b in key) + inner)


@given(st.binary(max_size=300))
def test_hmac_sm3_matches_the_rfc_2104_construction(message: bytes) -> None:
    p = SoftwareSMProvider(KEY)
    mac_key = sm3(b"fengqiao-blind-index" + KEY)
    assert p.hmac_sm3(message) == hmac_sm3_by_hand(mac_key, message)


def test_sm3_of_the_64_byte_standard_example() -> None:
    # GB/T 32905-2016 Appendix A example 2: "abcd" repeated 16 times.
    expected = "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    assert sm3(b"abcd" * 16).hex() == expected


@given(st.binary(max_size=2000))
def test_ciphertext_layout_is_version_nonce_body_tag(plaintext: bytes) -> None:
    token = SoftwareSMProvider(KEY).encrypt(plaintext)
    assert token[:1] == VERSION
    assert len(token) == 1 + NONCE_BYTES + len(plaintext) + TAG_BYTES
    assert SoftwareSMProvider(KEY).decrypt(token) == plaintext


def test_decrypt_refuses_unknown_versions_and_other_keys() -> None:
    token = SoftwareSMProvider(KEY).encrypt(b"13812345678")
    with pytest.raises(ValueError, match="version"):
        SoftwareSMProvider(KEY).decrypt(b"\x02" + token[1:])
    with pytest.raises(Exception):  # noqa: B017 (cryptography's InvalidTag)
        SoftwareSMProvider(bytes(16)).decrypt(token)
    with pytest.raises(Exception):  # noqa: B017 (a truncated token cannot authenticate)
        SoftwareSMProvider(KEY).decrypt(token[:-3])


@pytest.mark.parametrize("length", [0, 8, 15, 17, 32])
def test_sm4_keys_must_be_16_bytes(length: int) -> None:
    with pytest.raises(ImproperlyConfigured, match="16 字节"):
        SoftwareSMProvider(bytes(length))


def test_production_refuses_to_start_without_a_key(fresh_provider: Any) -> None:
    fresh_provider.SM4_KEY = ""
    fresh_provider.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="FENGQIAO_SM4_KEY"):
        crypto.provider()


def test_debug_generates_one_private_key_beside_the_database(
    fresh_provider: Any, tmp_path: Path
) -> None:
    fresh_provider.SM4_KEY = ""
    fresh_provider.DEBUG = True
    fresh_provider.DATA_DIR = tmp_path / "data"
    first = crypto.provider()
    key_file = tmp_path / "data" / "sm4.key"
    assert key_file.exists()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(bytes.fromhex(key_file.read_text(encoding="utf-8"))) == 16
    token = first.encrypt(b"kept")
    crypto.provider.cache_clear()
    again = crypto.provider()  # a restart reads the same key back
    assert again is not first
    assert again.decrypt(token) == b"kept"


class RecordingProvider(SoftwareSMProvider):
    """A stand-in for an HSM/KMS provider named in FENGQIAO_CRYPTO_PROVIDER."""

    calls: list[str] = []

    def encrypt(self, plaintext: bytes) -> bytes:
        self.calls.append("encrypt")
        return super().encrypt(plaintext)


def test_the_provider_class_is_pluggable(fresh_provider: Any) -> None:
    fresh_provider.SM4_KEY = KEY.hex()
    fresh_provider.CRYPTO_PROVIDER = f"{__name__}.RecordingProvider"
    p = crypto.provider()
    assert isinstance(p, RecordingProvider)
    assert p.decrypt(p.encrypt(b"x")) == b"x"
    assert RecordingProvider.calls == ["encrypt"]
    assert crypto.provider() is p  # cached: one instance per process
