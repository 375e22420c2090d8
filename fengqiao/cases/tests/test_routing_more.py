"""派单目录 (rule 11) orderings not pinned elsewhere: the nearest region beats the exact
category, a more local catalogue beats a wider one at the same region, a version replaces its
predecessor entirely from its date and stops at its end date; and the suggestion endpoint."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fengqiao.accounts.models import User
from fengqiao.cases.routing import suggest
from fengqiao.cases.tests.conftest import Units
from fengqiao.testing import Territory
from fengqiao.units.models import CatalogueEntry, CatalogueVersion, Category, Unit, UnitType

D2026 = dt.date(2026, 11, 2)


def _noise() -> Category:
    return Category.objects.get(code="RX0501")


def _catalogue(region: Any, version: int = 1, **dates: dt.date) -> CatalogueVersion:
    return CatalogueVersion.objects.create(
        region=region,
        version=version,
        effective_from=dates.get("effective_from", dt.date(2020, 1, 1)),
        effective_to=dates.get("effective_to"),
    )


def _unit(code: str, region: Any) -> Unit:
    return Unit.objects.create(
        name=f"单位{code}", code=code, unit_type=UnitType.DEPARTMENT, region=region
    )


def test_the_nearest_region_beats_the_exact_category(territory: Territory, units: Units) -> None:
    # the town lists only the parent category (环境保护 RX05); the county lists noise exactly
    town = _catalogue(territory.town)
    parent = _noise().parent
    assert parent is not None
    CatalogueEntry.objects.create(
        catalogue=town, category=parent, region=territory.town, lead_unit=units.street
    )
    found = suggest(_noise(), territory.grid_a1, on=D2026)
    assert found is not None and found.lead_unit == units.street
    assert "酒泉路街道派单目录 v1" in found.basis
    # for a case filed at the county itself the town's entry is not on its path
    county_case = suggest(_noise(), territory.county, on=D2026)
    assert county_case is not None and county_case.lead_unit == units.env


def test_at_one_region_the_exact_category_beats_its_parent(
    territory: Territory, units: Units
) -> None:
    town = _catalogue(territory.town)
    parent = _noise().parent
    assert parent is not None
    CatalogueEntry.objects.create(
        catalogue=town, category=parent, region=territory.town, lead_unit=units.street
    )
    CatalogueEntry.objects.create(
        catalogue=town, category=_noise(), region=territory.town, lead_unit=units.housing
    )
    found = suggest(_noise(), territory.grid_a2, on=D2026)
    assert found is not None and found.lead_unit == units.housing


def test_a_wider_catalogue_may_name_a_nearer_region(territory: Territory, units: Units) -> None:
    # the city's catalogue has an entry for one grid: nearer than the county's entry
    city = _catalogue(territory.city)
    grid_unit = _unit("GRID-A1", territory.grid_a1)
    CatalogueEntry.objects.create(
        catalogue=city, category=_noise(), region=territory.grid_a1, lead_unit=grid_unit
    )
    assert suggest(_noise(), territory.grid_a1, on=D2026).lead_unit == grid_unit  # type: ignore[union-attr]
    assert suggest(_noise(), territory.grid_a2, on=D2026).lead_unit == units.env  # type: ignore[union-attr]


def test_a_more_local_catalogue_wins_at_the_same_region(territory: Territory, units: Units) -> None:
    city = _catalogue(territory.city)
    city_unit = _unit("CITY-ENV", territory.city)
    CatalogueEntry.objects.create(
        catalogue=city, category=_noise(), region=territory.county, lead_unit=city_unit
    )
    found = suggest(_noise(), territory.grid_a1, on=D2026)
    assert found is not None and found.lead_unit == units.env
    assert "城关区派单目录" in found.basis
    # without the county's own entry the city's applies
    CatalogueEntry.objects.filter(catalogue__region=territory.county).delete()
    fallback = suggest(_noise(), territory.grid_a1, on=D2026)
    assert fallback is not None and fallback.lead_unit == city_unit
    assert fallback.co_units == []


def test_a_new_version_replaces_the_old_one_entirely(territory: Territory, units: Units) -> None:
    # version 2 of the county's catalogue, from 2027, no longer lists noise
    v2 = _catalogue(territory.county, version=2, effective_from=dt.date(2027, 1, 1))
    CatalogueEntry.objects.create(
        catalogue=v2, category=Category.objects.get(code="RX02"), region=territory.county,
        lead_unit=units.housing,
    )  # fmt: skip
    assert suggest(_noise(), territory.grid_a1, on=dt.date(2026, 12, 31)) is not None
    assert suggest(_noise(), territory.grid_a1, on=dt.date(2027, 1, 1)) is None


def test_a_version_stops_at_its_end_date(territory: Territory, units: Units) -> None:
    CatalogueVersion.objects.filter(region=territory.county).update(
        effective_to=dt.date(2026, 12, 1)
    )
    assert suggest(_noise(), territory.grid_a1, on=dt.date(2026, 11, 30)) is not None
    # effective_to is the first day it no longer applies
    assert suggest(_noise(), territory.grid_a1, on=dt.date(2026, 12, 1)) is None
    # a newer version that lists nothing for noise does not bring the ended one back
    _catalogue(territory.county, version=2, effective_from=dt.date(2026, 12, 1))
    assert suggest(_noise(), territory.grid_a1, on=dt.date(2026, 12, 2)) is None


def test_co_units_leave_out_the_lead_and_inactive_units(territory: Territory, units: Units) -> None:
    entry = CatalogueEntry.objects.get(category__code="RX0501")
    entry.co_units.add(units.env, units.housing)  # the lead listed as its own co-unit
    Unit.objects.filter(pk=units.housing.pk).update(is_active=False)
    found = suggest(_noise(), territory.grid_a1, on=D2026)
    assert found is not None
    assert found.lead_unit == units.env and found.co_units == [units.street]


def test_suggestion_endpoint(
    api_for: Any, town_operator: User, units: Units, county_leader: User, outsider: User
) -> None:
    api = api_for(town_operator)
    case_id = api.create().json()["id"]
    url = f"/api/v1/cases/{case_id}/suggestion"
    body = api.get(url).json()
    assert body["lead_unit_id"] == units.env.pk
    assert body["lead_unit_name"] == units.env.name
    assert body["co_unit_ids"] == [units.street.pk]
    assert "城关区派单目录 v1" in body["basis"]
    # viewers see it too; other areas do not see the case at all
    assert api_for(county_leader).get(url).json() == body
    assert api_for(outsider).get(url).status_code == 404
    # a case without a category, or with no entry, gets an empty suggestion
    bare = api.create(category_code=None).json()["id"]
    empty = api.get(f"/api/v1/cases/{bare}/suggestion").json()
    assert empty == {"lead_unit_id": None, "lead_unit_name": None, "co_unit_ids": [], "basis": ""}
    other = api.create(category_code="RX0801").json()["id"]
    assert api.get(f"/api/v1/cases/{other}/suggestion").json()["lead_unit_id"] is None
