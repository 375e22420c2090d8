"""Fixtures for the petition tests. Units, each with the reason it exists:

- bureau (城关区信访局): registers and routes items; rules on objections.
- city_bureau (兰州市信访局): a higher 信访部门 (same matter refused higher up, 第十九条).
- housing (城关区住建局): the organ an ordinary claim goes to; decides it.
- city_housing (兰州市住建局): one level up — 复查.
- province_housing (甘肃省住建厅): one level up again — 复核.
- court (城关区人民法院): receives litigation-related items (诉访分离).
- discipline (城关区纪委监委): receives accusations.
- accused (城关区某局): the unit an accusation is about (AC-10).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from fengqiao.accounts.models import Role, User
from fengqiao.procedures.testing import sm4_key  # noqa: F401
from fengqiao.regions.models import Region
from fengqiao.testing import PASSWORD, Territory, make_user
from fengqiao.units.models import Unit, UnitType


@pytest.fixture(autouse=True)
def _keys(sm4_key: None) -> None:  # noqa: F811
    return None


@dataclass
class Organs:
    bureau: Unit
    city_bureau: Unit
    housing: Unit
    city_housing: Unit
    province_housing: Unit
    court: Unit
    discipline: Unit
    accused: Unit


def _unit(code: str, name: str, unit_type: str, region: Region) -> Unit:
    return Unit.objects.create(code=code, name=name, unit_type=unit_type, region=region)


@pytest.fixture
def organs(territory: Territory) -> Organs:
    return Organs(
        bureau=_unit("XF-620102", "城关区信访局", UnitType.PETITION_BUREAU, territory.county),
        city_bureau=_unit("XF-620100", "兰州市信访局", UnitType.PETITION_BUREAU, territory.city),
        housing=_unit("ZJ-620102", "城关区住房和城乡建设局", UnitType.DEPARTMENT, territory.county),
        city_housing=_unit(
            "ZJ-620100", "兰州市住房和城乡建设局", UnitType.DEPARTMENT, territory.city
        ),
        province_housing=_unit(
            "ZJ-620000", "甘肃省住房和城乡建设厅", UnitType.DEPARTMENT, territory.province
        ),
        court=_unit("FY-620102", "城关区人民法院", UnitType.COURT, territory.county),
        discipline=_unit("JW-620102", "城关区纪委监委", UnitType.DISCIPLINE, territory.county),
        accused=_unit("SJ-620102", "城关区市场监督管理局", UnitType.DEPARTMENT, territory.county),
    )


def unit_user(username: str, unit: Unit) -> User:
    """A member of a unit with no region scope: sees only what the unit holds."""
    user = User.objects.create_user(username=username, password=PASSWORD)
    user.unit = unit
    user.save(update_fields=["unit"])
    return user


def bureau_operator(username: str, unit: Unit) -> User:
    """A 信访部门 operator: acts in the bureau's region."""
    user = make_user(username, Role.OPERATOR, unit.region)
    user.unit = unit
    user.save(update_fields=["unit"])
    return user


@pytest.fixture
def clerk(organs: Organs) -> User:
    return bureau_operator("xf_clerk", organs.bureau)


@pytest.fixture
def city_clerk(organs: Organs) -> User:
    return bureau_operator("city_xf_clerk", organs.city_bureau)


@pytest.fixture
def province_clerk(organs: Organs) -> User:
    return bureau_operator(
        "province_xf_clerk",
        Unit.objects.create(
            code="XF-620000",
            name="甘肃省信访局",
            unit_type=UnitType.PETITION_BUREAU,
            region=organs.province_housing.region,
        ),
    )


@pytest.fixture
def housing_officer(organs: Organs) -> User:
    return unit_user("housing_officer", organs.housing)


@pytest.fixture
def city_officer(organs: Organs) -> User:
    return unit_user("city_officer", organs.city_housing)


@pytest.fixture
def province_officer(organs: Organs) -> User:
    return unit_user("province_officer", organs.province_housing)
