"""units.actions: creating and changing units and publishing 派单目录 versions within the actor's
subtree, each audited; a property test checks that a publication is exactly the previous
version with the changes applied."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.tests.conftest import Units
from fengqiao.core.errors import ActionError
from fengqiao.testing import Territory, make_user
from fengqiao.units.actions import (
    EntryChange,
    do_create_unit,
    do_publish_catalogue,
    do_update_unit,
    latest_version,
    unit_admin_paths,
)
from fengqiao.units.models import CatalogueVersion, Category, Unit, UnitType


@pytest.fixture
def town_admin(territory: Territory) -> User:
    return make_user("town_admin", Role.REGION_ADMIN, territory.town)


def test_admin_paths_count_only_acting_unit_admin_roles(
    territory: Territory, county_admin: User, system_admin: User, security_admin: User
) -> None:
    assert unit_admin_paths(county_admin) == [territory.county.path]
    assert unit_admin_paths(system_admin) == [territory.city.path]
    assert unit_admin_paths(security_admin) == []
    viewer = make_user("viewer_admin", Role.REGION_ADMIN, territory.county, can_act=False)
    assert unit_admin_paths(viewer) == []


def test_create_unit_validates_each_field(territory: Territory, county_admin: User) -> None:
    def create(**overrides: object) -> ActionError:
        fields: dict[str, object] = {
            "actor": county_admin,
            "code": "OK-1",
            "name": "单位",
            "unit_type": UnitType.DEPARTMENT,
            "region": territory.county,
        }
        fields.update(overrides)
        with pytest.raises(ActionError) as refused:
            do_create_unit(**fields)  # type: ignore[arg-type]
        return refused.value

    assert create(unit_type="spaceship").field == "unit_type"
    assert create(code="-bad").field == "code"
    assert create(code="x" * 41).field == "code"
    assert create(name="   ").field == "name"
    assert create(region=territory.other_county).status == 403
    outside_parent = Unit.objects.create(
        code="P-OUT", name="外区单位", unit_type=UnitType.DEPARTMENT, region=territory.other_county
    )
    assert create(parent=outside_parent).field == "parent"
    assert not Unit.objects.filter(code="OK-1").exists()
    # 400s are plain bad input (not audited); 403s are refusals (audited)
    assert AuditEntry.objects.filter(action="unit.create", outcome="denied").count() == 2


def test_create_unit_strips_the_name_and_records_the_parent(
    territory: Territory, county_admin: User
) -> None:
    parent = do_create_unit(
        actor=county_admin,
        code="GOV-1",
        name="  城关区人民政府 ",
        unit_type=UnitType.GOVERNMENT,
        region=territory.county,
    )
    child = do_create_unit(
        actor=county_admin,
        code="GOV-1.1",
        name="酒泉路街道办事处",
        unit_type=UnitType.GOVERNMENT,
        region=territory.town,
        parent=parent,
    )
    assert parent.name == "城关区人民政府"
    assert child.parent == parent
    row = AuditEntry.objects.filter(action="unit.create").order_by("-seq").first()
    assert row is not None and row.data["parent"] == "GOV-1"


def test_update_unit_outside_scope_is_not_found(
    territory: Territory, units: Units, town_admin: User
) -> None:
    with pytest.raises(ActionError) as refused:
        do_update_unit(units.env, actor=town_admin, changes={"name": "改名"})
    assert refused.value.status == 404
    assert Unit.objects.get(pk=units.env.pk).name == "城关区生态环境分局"


def test_update_unit_cannot_move_it_out_of_the_subtree(
    territory: Territory, units: Units, town_admin: User
) -> None:
    with pytest.raises(ActionError) as refused:
        do_update_unit(units.street, actor=town_admin, changes={"region": territory.county})
    assert refused.value.status == 403 and refused.value.field == "region"
    with pytest.raises(ValueError):
        do_update_unit(units.street, actor=town_admin, changes={"code": "NEW"})


def test_update_without_changes_writes_nothing(units: Units, county_admin: User) -> None:
    unit = do_update_unit(units.env, actor=county_admin, changes={"name": units.env.name})
    assert unit.name == units.env.name
    assert not AuditEntry.objects.filter(action="unit.update").exists()


def test_deactivating_a_lead_unit_drops_it_from_new_entries(
    territory: Territory, units: Units, county_admin: User
) -> None:
    housing = do_update_unit(units.housing, actor=county_admin, changes={"is_active": False})
    noise = Category.objects.get(code="RX0501")
    with pytest.raises(ActionError) as refused:
        do_publish_catalogue(
            actor=county_admin,
            region=territory.county,
            effective_from=date.today(),  # noqa: DTZ011
            changes=[EntryChange(noise, territory.county, housing)],
        )
    assert refused.value.code == "inactive"


def test_removing_a_missing_entry_is_refused(
    territory: Territory, units: Units, county_admin: User
) -> None:
    category = Category.objects.exclude(code__in=["RX0501", "RX02"]).first()
    assert category is not None
    with pytest.raises(ActionError) as refused:
        do_publish_catalogue(
            actor=county_admin,
            region=territory.county,
            effective_from=date(2030, 1, 1),
            changes=[EntryChange(category, territory.county, None)],
        )
    assert refused.value.code == "no_entry"
    assert latest_version(territory.county) == CatalogueVersion.objects.get(region=territory.county)


def test_publish_truncates_long_texts_and_links_the_previous_version(
    territory: Territory, units: Units, county_admin: User
) -> None:
    noise = Category.objects.get(code="RX0501")
    version = do_publish_catalogue(
        actor=county_admin,
        region=territory.county,
        effective_from=date(2030, 1, 1),
        changes=[EntryChange(noise, territory.town, units.street, [units.env])],
        issued_by="单" * 300,
        note="注" * 300,
    )
    assert len(version.issued_by) == 120 and len(version.note) == 200
    assert version.version == 2
    row = AuditEntry.objects.get(action="catalogue.publish")
    assert row.data["previous"] == 1 and row.data["entries"] == 3


@pytest.fixture
def publisher(territory: Territory) -> User:
    return make_user("publisher", Role.SYSTEM_ADMIN, territory.county)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["RX0501", "RX02", "RX01"]),
            st.sampled_from(["county", "town", "village"]),
            st.sampled_from(["env", "street", "housing", None]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_each_publication_is_the_previous_version_with_the_change_applied(
    territory: Territory, units: Units, publisher: User, steps: list[tuple[str, str, str | None]]
) -> None:
    CatalogueVersion.objects.filter(region=territory.county, version__gt=1).delete()
    regions = {"county": territory.county, "town": territory.town, "village": territory.village}
    unit_by_name = {"env": units.env, "street": units.street, "housing": units.housing}
    expected = {
        (e.category.code, e.region_id): e.lead_unit_id
        for e in CatalogueVersion.objects.get(region=territory.county, version=1).entries.all()
    }
    day = date(2030, 1, 1)
    for code, region_key, lead_key in steps:
        region = regions[region_key]
        key = (code, region.pk)
        lead = unit_by_name[lead_key] if lead_key else None
        change = EntryChange(Category.objects.get(code=code), region, lead)
        if lead is None and key not in expected:
            with pytest.raises(ActionError):
                do_publish_catalogue(
                    actor=publisher, region=territory.county, effective_from=day, changes=[change]
                )
            continue
        version = do_publish_catalogue(
            actor=publisher, region=territory.county, effective_from=day, changes=[change]
        )
        if lead is None:
            del expected[key]
        else:
            expected[key] = lead.pk
        actual = {(e.category.code, e.region_id): e.lead_unit_id for e in version.entries.all()}
        assert actual == expected
        assert version == latest_version(territory.county)
        day += timedelta(days=1)
