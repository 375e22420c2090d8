"""Fixtures for the procedures tests: the SM4 key (parties are encrypted) and a bare case."""

from __future__ import annotations

import pytest

from fengqiao.cases.actions import CaseDraft, PartyDraft, do_register
from fengqiao.cases.models import Case, PartyRole
from fengqiao.cases.workflow import Kind
from fengqiao.procedures.testing import at, sm4_key, travel  # noqa: F401
from fengqiao.testing import Territory
from fengqiao.units.models import Category, Unit, UnitType


@pytest.fixture(autouse=True)
def _keys(sm4_key: None) -> None:  # noqa: F811
    return None


def new_case(territory: Territory, day: str = "2026-03-02") -> Case:
    """A registered dispute with two parties (registered at 10:00 on `day`)."""
    with travel(at(day, 10)):
        return do_register(
            CaseDraft(
                kind=Kind.DISPUTE,
                channel="grid_patrol",
                description="邻里纠纷",
                region=territory.grid_a1,
                category=Category.objects.get(code="TJ02"),
                parties=[
                    PartyDraft(role=PartyRole.COMPLAINANT, name="甲", phone="13912345678"),
                    PartyDraft(role=PartyRole.RESPONDENT, name="乙", phone="13812345678"),
                ],
            ),
            actor=None,
        ).case


@pytest.fixture
def case(territory: Territory) -> Case:
    return new_case(territory)


@pytest.fixture
def committee(territory: Territory) -> Unit:
    return Unit.objects.create(
        code="TW-T1",
        name="测试人民调解委员会",
        unit_type=UnitType.MEDIATION_COMMITTEE,
        region=territory.village,
    )


@pytest.fixture
def other_committee(territory: Territory) -> Unit:
    return Unit.objects.create(
        code="TW-T2",
        name="另一人民调解委员会",
        unit_type=UnitType.MEDIATION_COMMITTEE,
        region=territory.town,
    )
