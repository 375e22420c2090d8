import pytest

from fengqiao.core.crypto import SoftwareSMProvider, sm3


def test_sm3_known_answer() -> None:
    # GB/T 32905-2016 Appendix A example 1: SM3("abc").
    assert sm3(b"abc").hex() == ("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")


def test_sm4_round_trip_and_tamper_detection() -> None:
    p = SoftwareSMProvider(bytes(range(16)))
    token = p.encrypt(b"13812345678")
    assert b"13812345678" not in token
    assert p.decrypt(token) == b"13812345678"
    assert p.encrypt(b"x") != p.encrypt(b"x")  # random nonce
    broken = token[:-1] + bytes([token[-1] ^ 1])
    with pytest.raises(Exception):  # noqa: B017 (InvalidTag)
        p.decrypt(broken)


def test_blind_index_is_keyed() -> None:
    a = SoftwareSMProvider(bytes(16)).hmac_sm3(b"13812345678")
    b = SoftwareSMProvider(bytes([1] * 16)).hmac_sm3(b"13812345678")
    assert a != b and len(a) == 32
