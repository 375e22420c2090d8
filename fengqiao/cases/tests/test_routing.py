"""派单目录 suggestions (rule 11): nearest region, latest version in force, parent category."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fengqiao.accounts.models import User
from fengqiao.cases.routing import suggest
from fengqiao.cases.tests.conftest import Units
from fengqiao.testing import Territory
from fengqiao.units.models import CatalogueEntry, CatalogueVersion, Category, Unit, UnitType


def test_walks_up_from_the_grid_and_falls_back_to_the_parent_category(
    territory: Territory, units: Units
) -> None:
    noise = Category.objects.get(code="RX0501")
    found = suggest(noise, territory.grid_a1)
    assert found is not None
    assert found.lead_unit == units.env and found.co_units == [units.street]
    assert "城关区派单目录 v1" in found.basis
    # 物业服务 (RX0201) has no entry of its own: its parent 住房与物业 (RX02) answers
    service = suggest(Category.objects.get(code="RX0201"), territory.grid_a2)
    assert service is not None and service.lead_unit == units.housing
    # nothing for another county, nothing without a category
    assert suggest(noise, territory.other_grid) is None
    assert suggest(None, territory.grid_a1) is None


def test_the_nearest_region_and_the_latest_version_win(territory: Territory, units: Units) -> None:
    noise = Category.objects.get(code="RX0501")
    # the town's own entry beats the county's
    town_catalogue = CatalogueVersion.objects.create(
        region=territory.town, version=1, effective_from=dt.date(2020, 1, 1)
    )
    CatalogueEntry.objects.create(
        catalogue=town_catalogue, category=noise, region=territory.town, lead_unit=units.street
    )
    found = suggest(noise, territory.grid_a1)
    assert found is not None and found.lead_unit == units.street
    # a newer county version replaces the old one, but not before it takes effect
    newer = CatalogueVersion.objects.create(
        region=territory.county, version=2, effective_from=dt.date(2030, 1, 1)
    )
    CatalogueEntry.objects.create(
        catalogue=newer,
        category=Category.objects.get(code="RX02"),
        region=territory.county,
        lead_unit=units.env,
    )
    service = Category.objects.get(code="RX0201")
    today = suggest(service, territory.grid_a1, on=dt.date(2026, 6, 1))
    later = suggest(service, territory.grid_a1, on=dt.date(2030, 6, 1))
    assert today is not None and today.lead_unit == units.housing
    assert later is not None and later.lead_unit == units.env


def test_inactive_units_are_skipped(territory: Territory, units: Units) -> None:
    Unit.objects.filter(pk=units.env.pk).update(is_active=False)
    assert suggest(Category.objects.get(code="RX0501"), territory.grid_a1) is None


def test_dispatch_without_a_lead_follows_the_catalogue(
    api_for: Any, town_operator: User, units: Units
) -> None:
    api = api_for(town_operator)
    case_id = api.create().json()["id"]
    api.act(case_id, "accept")
    detail = api.act(case_id, "dispatch").json()
    assert {(a["unit_id"], a["role"]) for a in detail["assignments"]} == {
        (units.env.pk, "lead"),
        (units.street.pk, "co"),
    }
    dispatch = next(t for t in detail["timeline"] if t["action"] == "dispatch")
    assert "派单目录" in dispatch["data"]["basis"]


def test_dispatch_without_a_catalogue_entry_asks_for_a_lead(
    api_for: Any, town_operator: User, units: Units
) -> None:
    api = api_for(town_operator)
    case_id = api.create(category_code="RX0801").json()["id"]
    api.act(case_id, "accept")
    refused = api.act(case_id, "dispatch")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "lead"


def test_a_unit_serving_the_region_may_be_dispatched(
    api_for: Any, town_operator: User, units: Units, territory: Territory
) -> None:
    water = Unit.objects.create(
        name="兰州供水集团",
        code="WATER-6201",
        unit_type=UnitType.OTHER,
        region=territory.other_county,
    )
    api = api_for(town_operator)
    case_id = api.create(category_code="RX0301").json()["id"]
    api.act(case_id, "accept")
    assert api.act(case_id, "dispatch", {"lead": {"unit_id": water.pk}}).status_code == 422
    water.serves.add(territory.county)
    assert api.act(case_id, "dispatch", {"lead": {"unit_id": water.pk}}).status_code == 200
