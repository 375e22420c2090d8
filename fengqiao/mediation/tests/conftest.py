"""Fixtures for the mediation tests. Bodies, each with the reason it exists:

- village (秦安路社区人民调解委员会): the grid's village committee — intake and first stage.
- township (酒泉路街道人民调解委员会): a second people's committee (transfers, workload).
- admin (城关区人力资源和社会保障局劳动争议调解中心): an administrative mediation body (rule 29).
- centre (城关区综治中心): step 1 of the court's diversion route (seed 003).
- pretrial (城关区人民法院审前调解中心): step 2 of the route.
- team (城关区人民法院速裁团队): step 3 of the route.
- court (城关区人民法院): refers disputes and confirms agreements (司法确认).
- police (酒泉路派出所): receives the report of a dispute that may turn criminal (rule 23).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from fengqiao.accounts.models import Role, User
from fengqiao.mediation.models import (
    DiversionRoute,
    DiversionStep,
    MediationOrg,
    Mediator,
    MediatorKind,
    OrgKind,
)
from fengqiao.procedures.testing import sm4_key  # noqa: F401
from fengqiao.testing import PASSWORD, Territory, make_user
from fengqiao.units.models import Unit, UnitType


@pytest.fixture(autouse=True)
def _keys(sm4_key: None) -> None:  # noqa: F811
    return None


@dataclass
class Bodies:
    village: Unit
    township: Unit
    admin: Unit
    centre: Unit
    pretrial: Unit
    team: Unit
    court: Unit
    police: Unit
    route: DiversionRoute
    mediators: dict[str, Mediator]


def _unit(code: str, name: str, unit_type: str, region: Any) -> Unit:
    return Unit.objects.create(code=code, name=name, unit_type=unit_type, region=region)


@pytest.fixture
def bodies(territory: Territory) -> Bodies:
    village = _unit(
        "TW-620102001001",
        "秦安路社区人民调解委员会",
        UnitType.MEDIATION_COMMITTEE,
        territory.village,
    )
    township = _unit(
        "TW-620102001", "酒泉路街道人民调解委员会", UnitType.MEDIATION_COMMITTEE, territory.town
    )
    admin = _unit(
        "HRSS-620102-TJ", "城关区劳动争议调解中心", UnitType.ADMIN_MEDIATION, territory.county
    )
    centre = _unit("ZZ-620102", "城关区综治中心", UnitType.CENTRE, territory.county)
    pretrial = _unit("FY-620102-SQ", "城关区人民法院审前调解中心", UnitType.COURT, territory.county)
    team = _unit("FY-620102-SC", "城关区人民法院速裁团队", UnitType.COURT, territory.county)
    court = _unit("FY-620102", "城关区人民法院", UnitType.COURT, territory.county)
    police = _unit("GA-620102001", "酒泉路派出所", UnitType.POLICE, territory.town)
    orgs = {
        "village": MediationOrg.objects.create(
            unit=village, kind=OrgKind.VILLAGE, mediation_type="people"
        ),
        "township": MediationOrg.objects.create(
            unit=township, kind=OrgKind.TOWNSHIP, mediation_type="people"
        ),
        "admin": MediationOrg.objects.create(
            unit=admin, kind=OrgKind.ADMINISTRATIVE, mediation_type="administrative"
        ),
        "centre": MediationOrg.objects.create(
            unit=centre, kind=OrgKind.CENTRE, mediation_type="people"
        ),
        "pretrial": MediationOrg.objects.create(
            unit=pretrial, kind=OrgKind.COURT, mediation_type="judicial"
        ),
        "team": MediationOrg.objects.create(
            unit=team, kind=OrgKind.COURT, mediation_type="judicial"
        ),
    }
    mediators = {
        key: Mediator.objects.create(
            org=org, name=f"{org.unit.name[:4]}调解员", kind=MediatorKind.FULL_TIME
        )
        for key, org in orgs.items()
    }
    route = DiversionRoute.objects.create(
        court=court,
        name="城关区法院诉前分流",
        effective_from=dt.date(2024, 1, 1),
        note="seed 003：综治中心 → 审前调解中心 → 专业化审判团队",
    )
    for order, (name, unit) in enumerate(
        [("综治中心", centre), ("审前调解中心", pretrial), ("速裁团队", team)], start=1
    ):
        DiversionStep.objects.create(route=route, order=order, name=name, unit=unit)
    return Bodies(village, township, admin, centre, pretrial, team, court, police, route, mediators)


def member(username: str, unit: Unit, role: str = Role.MEDIATOR) -> User:
    """A member of a body: belongs to its unit, acts in its region with `role`."""
    user = make_user(username, Role(role), unit.region)
    user.unit = unit
    user.save(update_fields=["unit"])
    return user


@pytest.fixture
def villager(bodies: Bodies) -> User:
    """A mediator of the village committee."""
    return member("village_mediator", bodies.village)


def unit_user(username: str, unit: Unit) -> User:
    """A member of a unit with no region scope: sees only what the unit holds."""
    user = User.objects.create_user(username=username, password=PASSWORD)
    user.unit = unit
    user.save(update_fields=["unit"])
    return user


@pytest.fixture
def court_clerk(bodies: Bodies) -> User:
    return unit_user("court_clerk", bodies.court)


@pytest.fixture
def county_operator(territory: Territory) -> User:
    return make_user("county_operator", Role.OPERATOR, territory.county)
