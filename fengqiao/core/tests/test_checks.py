from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from fengqiao.accounts.models import User
from fengqiao.core.checks import check_durability, check_production_settings


def ids(messages: list[Any]) -> set[str]:
    return {m.id for m in messages}


@pytest.mark.django_db
def test_durable_settings_pass() -> None:
    assert check_durability() == []


@pytest.mark.django_db(transaction=True)
def test_unsafe_durability_is_an_error() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=NORMAL")
            expected = "fengqiao.E001"
        else:
            cursor.execute("SET synchronous_commit = off")
            expected = "fengqiao.E002"
    try:
        assert expected in ids(check_durability())
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA synchronous=FULL")
            else:
                cursor.execute("SET synchronous_commit = on")


@pytest.mark.django_db
def test_production_refuses_superusers_and_missing_key() -> None:
    User.objects.create_superuser("root", password="x")
    with override_settings(DEBUG=False, SM4_KEY="", AUDIT_CHECKPOINT_KEY=""):
        found = ids(check_production_settings())
    assert {"fengqiao.E004", "fengqiao.E005", "fengqiao.E006"} <= found
    if connection.vendor == "sqlite":
        assert "fengqiao.E003" in found
    with override_settings(DEBUG=True):
        assert check_production_settings() == []
