"""Test helpers shared by the mediation and petition tests: the SM4 key and cache fixtures,
a JSON API client, time travel to a Shanghai-local instant, and the sweep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case
from fengqiao.core.crypto import provider

SHANGHAI = ZoneInfo("Asia/Shanghai")
TEST_SM4_KEY = "0123456789abcdef0123456789abcdef"
VALID_ID = "11010519491231002X"  # GB 11643 example number


def at(day: str, hour: int = 10, minute: int = 0, second: int = 0) -> dt.datetime:
    """A Shanghai-local instant on an ISO date."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute, second), SHANGHAI)


def end_of(day: str) -> dt.datetime:
    return at(day, 23, 59, 59)


def travel(instant: dt.datetime) -> Any:
    """Freeze "now" at `instant` (time_machine; no ticking, so timestamps are exact)."""
    return time_machine.travel(instant, tick=False)


@pytest.fixture
def sm4_key(settings: Any) -> Iterator[None]:
    settings.SM4_KEY = TEST_SM4_KEY
    provider.cache_clear()
    cache.clear()
    yield
    provider.cache_clear()


class Api:
    """A signed-in JSON client; `act` fills in the case's current version. It signs in again
    before each request: the tests travel in time, and a session idles out after 30 minutes."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.user = user

    def _login(self) -> None:
        if self.user is not None:
            self.client.force_login(self.user)

    def get(self, url: str, **params: Any) -> Any:
        self._login()
        return self.client.get(url, params)

    def post(self, url: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
        self._login()
        return self.client.post(
            url, body or {}, content_type="application/json", headers=headers or None
        )

    def act(self, base: str, case_id: int, action: str, body: dict[str, Any] | None = None) -> Any:
        payload = dict(body or {})
        payload.setdefault("version", Case.objects.get(pk=case_id).version)
        return self.post(f"{base}/{case_id}/{action}", payload)


def ok(response: Any, status: int = 200) -> Any:
    """The JSON body, after checking the status (the body is shown when it differs)."""
    assert response.status_code == status, response.content.decode()
    return response.json()
