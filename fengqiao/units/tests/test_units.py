"""Units and the 派单目录 as data: scoping of the units API and the catalogue's constraints."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from fengqiao.accounts.models import User
from fengqiao.regions.models import Region
from fengqiao.testing import Territory
from fengqiao.units.models import CatalogueEntry, CatalogueVersion, Category, Unit, UnitType


def make_unit(code: str, region: Region, unit_type: str = UnitType.DEPARTMENT) -> Unit:
    return Unit.objects.create(name=f"单位{code}", code=code, unit_type=unit_type, region=region)


def test_units_list_and_detail_follow_the_callers_scope(
    client: Client, territory: Territory, town_operator: User
) -> None:
    inside = make_unit("U-TOWN", territory.town)
    in_grid = make_unit("U-GRID", territory.grid_a1, UnitType.VILLAGE_COMMITTEE)
    above = make_unit("U-COUNTY", territory.county)
    other = make_unit("U-OTHER", territory.other_town)
    client.force_login(town_operator)
    listed = {item["id"] for item in client.get("/api/v1/units/?limit=100").json()["items"]}
    assert listed == {inside.pk, in_grid.pk}
    filtered = client.get("/api/v1/units/?unit_type=village").json()["items"]
    assert [item["code"] for item in filtered] == ["U-GRID"]
    assert client.get(f"/api/v1/units/{inside.pk}").json()["name"] == "单位U-TOWN"
    for unit in (above, other):
        response = client.get(f"/api/v1/units/{unit.pk}")
        assert response.status_code == 404  # AC-02: like a missing unit
    assert (
        client.get("/api/v1/units/999999").json() == client.get(f"/api/v1/units/{other.pk}").json()
    )


def test_a_catalogue_version_has_one_entry_per_category_and_region(territory: Territory) -> None:
    lead = make_unit("U-LEAD", territory.county)
    co = make_unit("U-CO", territory.county)
    category = Category.objects.create(code="T-NOISE", name="噪音扰民")
    version = CatalogueVersion.objects.create(
        region=territory.county, version=1, effective_from=date(2026, 1, 1), issued_by="城关区政府"
    )
    entry = CatalogueEntry.objects.create(
        catalogue=version, category=category, region=territory.county, lead_unit=lead
    )
    entry.co_units.add(co)
    assert list(entry.co_units.all()) == [co]
    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogueEntry.objects.create(
            catalogue=version, category=category, region=territory.county, lead_unit=co
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogueVersion.objects.create(
            region=territory.county, version=1, effective_from=date(2026, 6, 1)
        )
    assert str(version) == "城关区 派单目录 v1"


def test_units_need_a_signed_in_caller(client: Client, territory: Territory) -> None:
    make_unit("U-ANON", territory.town)
    assert client.get("/api/v1/units/").status_code == 401
    assert client.get("/api/v1/units/1").status_code == 401


def test_units_are_paged_in_code_order(
    client: Client, territory: Territory, county_leader: User
) -> None:
    for number in range(7):
        make_unit(f"U-{number:02d}", territory.town)
    client.force_login(county_leader)
    first = client.get("/api/v1/units/?limit=3&offset=0").json()
    second = client.get("/api/v1/units/?limit=3&offset=3").json()
    assert first["count"] == second["count"] == 7
    codes = [item["code"] for item in first["items"] + second["items"]]
    assert codes == [f"U-{number:02d}" for number in range(6)]
    assert client.get("/api/v1/units/?unit_type=court").json() == {"items": [], "count": 0}


def test_units_and_categories_protect_what_they_point_at(territory: Territory) -> None:
    parent = make_unit("U-PARENT", territory.county)
    child = Unit.objects.create(
        name="下属科室", code="U-CHILD", unit_type=UnitType.DEPARTMENT, region=territory.town,
        parent=parent,
    )  # fmt: skip
    top = Category.objects.create(code="T", name="城市管理")
    leaf = Category.objects.create(code="T-01", name="占道经营", parent=top, taxonomy="hotline")
    assert list(parent.children.all()) == [child]
    assert list(top.children.all()) == [leaf]
    assert (str(child), str(leaf)) == ("下属科室", "占道经营")
    for protected in (parent, top, territory.town):
        with pytest.raises(Exception, match="protected|Cannot delete"), transaction.atomic():
            protected.delete()
    assert Unit.objects.filter(pk__in=[parent.pk, child.pk]).count() == 2


@pytest.mark.parametrize("unit_type", [choice.value for choice in UnitType])
def test_every_unit_type_has_a_chinese_label_and_lists_by_type(
    client: Client, territory: Territory, county_leader: User, unit_type: str
) -> None:
    unit = make_unit(f"U-{unit_type}", territory.town, unit_type)
    label = UnitType(unit_type).label
    assert label and all(ord(ch) > 127 or ch in "（）()/12345" for ch in label)
    client.force_login(county_leader)
    listed = client.get(f"/api/v1/units/?unit_type={unit_type}").json()
    assert [item["id"] for item in listed["items"]] == [unit.pk]
    assert listed["items"][0]["unit_type"] == unit_type


def test_units_serve_regions_beyond_their_anchor(territory: Territory) -> None:
    court = make_unit("U-COURT", territory.county, UnitType.COURT)
    court.serves.add(territory.county, territory.other_county)
    assert set(territory.other_county.serving_units.all()) == {court}
    assert set(court.serves.values_list("code", flat=True)) == {
        territory.county.code,
        territory.other_county.code,
    }


def test_catalogue_versions_are_kept_side_by_side(territory: Territory) -> None:
    lead = make_unit("U-LEAD", territory.county)
    category = Category.objects.create(code="T-ROAD", name="道路破损")
    first = CatalogueVersion.objects.create(
        region=territory.county,
        version=1,
        effective_from=date(2026, 1, 1),
        effective_to=date(2026, 6, 30),
    )
    second = CatalogueVersion.objects.create(
        region=territory.county, version=2, effective_from=date(2026, 7, 1)
    )
    for version in (first, second):
        CatalogueEntry.objects.create(
            catalogue=version, category=category, region=territory.county, lead_unit=lead
        )
    assert lead.lead_entries.count() == 2
    assert list(territory.county.catalogues.order_by("version")) == [first, second]
    assert str(first.entries.get()) == "道路破损 @ 城关区（620102000000） → 单位U-LEAD"
