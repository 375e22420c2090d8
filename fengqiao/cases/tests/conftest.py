"""Fixtures for the cases tests: units, a dispatch catalogue, handlers and an API helper.

Units, each with the reason it exists:
- env (城关区生态环境分局): the catalogue's lead unit for noise (RX0501) in 城关区.
- street (酒泉路街道办事处): the catalogue's co-unit for noise; a second unit to dispatch to.
- housing (城关区住建局): lead for 住房与物业 (RX02) — found through the parent category.
- other (七里河区住建局): a unit of another county, which may not be dispatched 城关区 cases.

Handlers belong to a unit and hold no region scope: they see only what their unit is assigned.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.test import Client

from fengqiao.accounts.models import Role, User
from fengqiao.cases.models import Case
from fengqiao.core.crypto import provider
from fengqiao.rules.models import ClockRule
from fengqiao.testing import PASSWORD, Territory, make_user
from fengqiao.units.models import CatalogueEntry, CatalogueVersion, Category, Unit, UnitType

VALID_ID = "11010519491231002X"  # GB 11643 example number, check digit X
VALID_PHONE = "13912345678"


@dataclass
class Units:
    env: Unit
    street: Unit
    housing: Unit
    other: Unit


TEST_SM4_KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def _sm4_key(settings: Any) -> Iterator[None]:
    """Tests run with DEBUG off, so the development key is not used: give them one."""
    settings.SM4_KEY = TEST_SM4_KEY
    provider.cache_clear()
    yield
    provider.cache_clear()


@pytest.fixture(autouse=True)
def _attachment_dir(settings: Any, tmp_path: Any) -> None:
    settings.CASES_ATTACHMENT_DIR = str(tmp_path / "attachments")


def ensure_reference_data() -> None:
    """Transactional tests (here and in other apps) end with a flush that also removes the
    rows data migrations shipped: load them again when they are missing."""
    if Category.objects.filter(code="RX0501").exists() and ClockRule.objects.exists():
        return
    for module in (
        "fengqiao.cases.migrations.0002_taxonomies",
        "fengqiao.cases.migrations.0003_sweep_rules",
        "fengqiao.rules.migrations.0002_national_clock_rules",
    ):
        importlib.import_module(module).load(django_apps, None)


@pytest.fixture
def units(territory: Territory) -> Units:
    ensure_reference_data()
    env = Unit.objects.create(
        name="城关区生态环境分局",
        code="ENV-620102",
        unit_type=UnitType.DEPARTMENT,
        region=territory.county,
    )
    street = Unit.objects.create(
        name="酒泉路街道办事处",
        code="GOV-620102001",
        unit_type=UnitType.GOVERNMENT,
        region=territory.town,
    )
    housing = Unit.objects.create(
        name="城关区住建局",
        code="HOUSE-620102",
        unit_type=UnitType.DEPARTMENT,
        region=territory.county,
    )
    other = Unit.objects.create(
        name="七里河区住建局",
        code="HOUSE-620103",
        unit_type=UnitType.DEPARTMENT,
        region=territory.other_county,
    )
    catalogue = CatalogueVersion.objects.create(
        region=territory.county, version=1, effective_from=date(2020, 1, 1)
    )
    noise = CatalogueEntry.objects.create(
        catalogue=catalogue,
        category=Category.objects.get(code="RX0501"),
        region=territory.county,
        lead_unit=env,
    )
    noise.co_units.add(street)
    CatalogueEntry.objects.create(
        catalogue=catalogue,
        category=Category.objects.get(code="RX02"),
        region=territory.county,
        lead_unit=housing,
    )
    return Units(env, street, housing, other)


def make_handler(username: str, unit: Unit) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    user.unit = unit
    user.save(update_fields=["unit"])
    return user


@pytest.fixture
def env_handler(units: Units) -> User:
    return make_handler("env_handler", units.env)


@pytest.fixture
def street_handler(units: Units) -> User:
    return make_handler("street_handler", units.street)


@pytest.fixture
def housing_handler(units: Units) -> User:
    return make_handler("housing_handler", units.housing)


@pytest.fixture
def county_operator(territory: Territory) -> User:
    return make_user("county_operator", Role.OPERATOR, territory.county)


class Api:
    """A signed-in API client that speaks JSON and remembers nothing between calls."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.user = user
        if user is not None:
            self.client.force_login(user)

    def get(self, url: str, **params: Any) -> Any:
        return self.client.get(url, params)

    def post(self, url: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.post(
            url, body or {}, content_type="application/json", headers=headers or None
        )

    def create(self, **overrides: Any) -> Any:
        body = hotline_body(**overrides)
        return self.post("/api/v1/cases/", body, **{"Idempotency-Key": str(uuid.uuid4())})

    def case(self, case_id: int) -> dict[str, Any]:
        response = self.get(f"/api/v1/cases/{case_id}")
        assert response.status_code == 200, response.content
        data: dict[str, Any] = response.json()
        return data

    def act(self, case_id: int, action: str, body: dict[str, Any] | None = None) -> Any:
        """POST a transition with the case's current version filled in."""
        payload = dict(body or {})
        if "version" not in payload:
            payload["version"] = Case.objects.get(pk=case_id).version
        return self.post(f"/api/v1/cases/{case_id}/{action}", payload)


def hotline_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "hotline",
        "channel": "hotline_phone",
        "request_type": "complaint",
        "category_code": "RX0501",
        "region_code": "620102001001001",
        "address": "秦安路 12 号",
        "description": "夜间施工噪声扰民，持续到凌晨两点",
        "parties": [
            {"role": "complainant", "name": "张三", "phone": VALID_PHONE},
        ],
    }
    body.update(overrides)
    return body


@pytest.fixture
def api_for() -> Any:
    return Api
