"""Fixtures for the reports tests: the SM4 key (parties are encrypted), a clean cache and
the test desk (fengqiao/reports/tests/desk.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from fengqiao.core.crypto import provider
from fengqiao.reports.tests.desk import Desk
from fengqiao.testing import Territory

TEST_SM4_KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def _sm4_key(settings: Any) -> Iterator[None]:
    settings.SM4_KEY = TEST_SM4_KEY
    provider.cache_clear()
    cache.clear()
    yield
    provider.cache_clear()


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Any) -> None:
    settings.DATA_DIR = tmp_path
    settings.CASES_ATTACHMENT_DIR = str(tmp_path / "attachments")


@pytest.fixture
def desk(territory: Territory) -> Desk:
    return Desk.build(territory)
