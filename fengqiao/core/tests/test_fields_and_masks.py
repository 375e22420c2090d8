"""Personal information at rest (EncryptedTextField, blind index) and on screen (PII-01 masks)."""

from __future__ import annotations

import base64

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from fengqiao.core.crypto import provider
from fengqiao.core.pii import blind_index, mask_id_number, mask_name, mask_phone
from fengqiao.regions.models import GridWorker

mobiles = st.from_regex(r"1[3-9]\d{9}", fullmatch=True)


def raw_phone(worker: GridWorker) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT phone FROM {GridWorker._meta.db_table} WHERE id = %s",  # noqa: S608
            [worker.pk],
        )
        value: str = cursor.fetchone()[0]
    return value


@pytest.mark.django_db
def test_the_database_holds_only_ciphertext() -> None:
    worker = GridWorker.objects.create(number="W-1", name="李四", phone="13812345678")
    stored = raw_phone(worker)
    assert "13812345678" not in stored and "5678" not in stored
    assert provider().decrypt(base64.b64decode(stored)) == b"13812345678"
    assert GridWorker.objects.get(pk=worker.pk).phone == "13812345678"


@pytest.mark.django_db
def test_saving_twice_never_encrypts_the_ciphertext() -> None:
    worker = GridWorker.objects.create(number="W-2", name="王五", phone="13900000000")
    first = raw_phone(worker)
    worker.name = "王五五"
    worker.save()
    reread = GridWorker.objects.get(pk=worker.pk)
    assert reread.phone == "13900000000"
    assert raw_phone(worker) != first  # a fresh nonce each write, same plaintext


@pytest.mark.django_db
def test_empty_values_are_stored_as_empty() -> None:
    worker = GridWorker.objects.create(number="W-3", name="赵六", phone="")
    assert raw_phone(worker) == ""
    assert GridWorker.objects.get(pk=worker.pk).phone == ""


def test_blind_index_ignores_spacing_and_case_but_not_digits() -> None:
    assert blind_index("138 1234 5678") == blind_index("13812345678")
    assert blind_index("11010519491231002x") == blind_index("11010519491231002X")
    assert blind_index("13812345678") != blind_index("13812345679")
    assert len(blind_index("x")) == 64


@given(mobiles)
def test_masked_phones_hide_the_middle_four(phone: str) -> None:
    masked = mask_phone(phone)
    assert masked == phone[:3] + "****" + phone[-4:]


@pytest.mark.parametrize(
    ("value", "masked"),
    [("110", "*10"), ("5", "5"), ("12", "12"), ("010-8765432", "010****5432")],
)
def test_short_and_landline_numbers(value: str, masked: str) -> None:
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"), [("", ""), ("1234567", "*******"), ("12345678", "123*5678")]
)
def test_short_id_numbers_are_fully_or_mostly_hidden(value: str, masked: str) -> None:
    assert mask_id_number(value) == masked


@given(st.text(min_size=1, max_size=12))
def test_masked_names_keep_the_first_character_and_length(name: str) -> None:
    masked = mask_name(name)
    assert masked[0] == name[0] and len(masked) == len(name)
    assert set(masked[1:]) <= {"*"}
