"""Fixtures for the regions tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings

from fengqiao.core.crypto import provider
from fengqiao.regions import geo

TEST_SM4_KEY = "000102030405060708090a0b0c0d0e0f"


@pytest.fixture(autouse=True, scope="session")
def _test_sm4_key() -> Iterator[None]:
    """pytest-django runs with DEBUG off, where the crypto provider demands a configured key
    (grid-worker phones are encrypted): give the tests a fixed one."""
    previous = settings.SM4_KEY
    settings.SM4_KEY = TEST_SM4_KEY
    provider.cache_clear()
    yield
    settings.SM4_KEY = previous
    provider.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_grid_index() -> Iterator[None]:
    """Rolled-back tests can reuse primary keys on SQLite, so the cached STRtree of one test
    could match the signature of the next: start every test from an empty cache."""
    geo.invalidate()
    yield
    geo.invalidate()
