"""单位管理 and 派单目录 pages: scope (404 outside the subtree), role (403), each write makes
its change and an audit row, bad input gets a per-field Chinese message and never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.routing import suggest
from fengqiao.cases.tests.conftest import Units
from fengqiao.core.errors import ActionError
from fengqiao.testing import Territory
from fengqiao.units.actions import EntryChange, do_create_unit, do_publish_catalogue
from fengqiao.units.models import CatalogueVersion, Category, Unit, UnitType


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def _audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


# --- units: list, detail, scope, role -------------------------------------------------------


def test_unit_list_is_the_admins_subtree(units: Units, county_admin: User) -> None:
    response = _client(county_admin).get(reverse("console:unit_list"))
    assert response.status_code == 200
    codes = [u.code for u in response.context["page"]]
    assert codes == ["ENV-620102", "GOV-620102001", "HOUSE-620102"]
    assert "七里河区住建局" not in response.content.decode()


def test_unit_list_filters_and_tolerates_bad_input(units: Units, county_admin: User) -> None:
    client = _client(county_admin)
    by_type = client.get(reverse("console:unit_list"), {"unit_type": "government"})
    assert [u.code for u in by_type.context["page"]] == ["GOV-620102001"]
    by_name = client.get(reverse("console:unit_list"), {"q": "住建"})
    assert [u.code for u in by_name.context["page"]] == ["HOUSE-620102"]
    by_code = client.get(reverse("console:unit_list"), {"q": "env"})
    assert [u.code for u in by_code.context["page"]] == ["ENV-620102"]
    bad = client.get(
        reverse("console:unit_list"),
        {"unit_type": "x", "active": "7", "page": "-1", "q": "单" * 99},
    )
    assert bad.status_code == 200


def test_unit_list_htmx_returns_only_the_results(units: Units, county_admin: User) -> None:
    response = _client(county_admin).get(
        reverse("console:unit_list"),
        {"q": "生态"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="unit-results",
    )
    body = response.content.decode()
    assert "<html" not in body and "城关区生态环境分局" in body


def test_out_of_scope_unit_is_404_like_a_missing_one(
    units: Units, county_admin: User, other_admin: User
) -> None:
    client = _client(county_admin)
    assert client.get(reverse("console:unit_detail", args=[units.env.pk])).status_code == 200
    for url in (
        reverse("console:unit_detail", args=[units.other.pk]),
        reverse("console:unit_edit", args=[units.other.pk]),
        reverse("console:unit_detail", args=[999999]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(reverse("console:unit_edit", args=[units.other.pk]), {"name": "x"})
    assert response.status_code == 404
    assert Unit.objects.get(pk=units.other.pk).name == "七里河区住建局"
    # the other county's administrator does not see 城关区 units either
    other = _client(other_admin)
    assert other.get(reverse("console:unit_detail", args=[units.env.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["town_operator", "county_leader", "auditor", "security_admin"])
def test_other_roles_get_403_on_unit_pages(
    units: Units, persona: str, request: pytest.FixtureRequest
) -> None:
    client = _client(request.getfixturevalue(persona))
    for url in (
        reverse("console:unit_list"),
        reverse("console:unit_create"),
        reverse("console:unit_detail", args=[units.env.pk]),
        reverse("console:catalogue_list"),
        reverse("console:catalogue_entry"),
    ):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_sign_in(units: Units) -> None:
    response = Client().get(reverse("console:unit_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- units: create and edit -----------------------------------------------------------------


def test_create_unit_makes_it_and_an_audit_row(
    territory: Territory, units: Units, county_admin: User
) -> None:
    response = _client(county_admin).post(
        reverse("console:unit_create"),
        {
            "code": "POLICE-620102001",
            "name": "酒泉路派出所",
            "unit_type": UnitType.POLICE,
            "region": territory.town.pk,
            "parent": "",
            "contact_name": "值班室",
            "contact_phone": "0931-8888888",
        },
    )
    unit = Unit.objects.get(code="POLICE-620102001")
    assert response.status_code == 302
    assert response["Location"] == reverse("console:unit_detail", args=[unit.pk])
    assert unit.region == territory.town and unit.unit_type == UnitType.POLICE
    [row] = _audit("unit.create")
    assert row.actor_id == county_admin.pk and row.object_id == str(unit.pk)
    assert row.data["region"] == territory.town.code


def test_create_unit_bad_input_gets_field_messages(
    territory: Territory, units: Units, county_admin: User
) -> None:
    client = _client(county_admin)
    response = client.post(
        reverse("console:unit_create"),
        {
            "code": "坏 编码",
            "name": "",
            "unit_type": "nonsense",
            "region": territory.other_town.pk,  # outside the subtree: not a choice
            "parent": units.other.pk,
            "contact_phone": "13912345678",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "单位编码须为" in errors["code"][0]
    assert errors["name"] == ["请填写单位名称。"]
    assert errors["unit_type"] == ["请从列表中选择。"]
    assert errors["region"] == ["请从列表中选择。"]
    assert errors["parent"] == ["请从列表中选择。"]
    assert "个人手机号" in errors["contact_phone"][0]
    assert Unit.objects.count() == 4
    taken = client.post(
        reverse("console:unit_create"),
        {
            "code": "env-620102",
            "name": "重复",
            "unit_type": "department",
            "region": territory.county.pk,
        },
    )
    assert taken.context["form"].errors["code"] == ["单位编码已被使用。"]
    assert _audit("unit.create")[0].outcome == "denied"  # a conflict is a refusal (409)


def test_edit_unit_changes_it_and_audits_before_and_after(
    territory: Territory, units: Units, county_admin: User
) -> None:
    response = _client(county_admin).post(
        reverse("console:unit_edit", args=[units.street.pk]),
        {
            "name": "酒泉路街道办事处（综治中心）",
            "unit_type": UnitType.GOVERNMENT,
            "region": territory.town.pk,
            "parent": units.env.pk,
            "contact_name": "",
            "contact_phone": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    unit = Unit.objects.get(pk=units.street.pk)
    assert unit.name == "酒泉路街道办事处（综治中心）" and unit.parent == units.env
    [row] = _audit("unit.update")
    assert row.data["after"]["parent"] == "ENV-620102"
    assert row.data["before"]["parent"] is None
    assert set(row.data["fields"]) == {"name", "parent"}


def test_edit_unit_refuses_a_cycle_with_a_field_message(units: Units, county_admin: User) -> None:
    Unit.objects.filter(pk=units.street.pk).update(parent=units.env)
    response = _client(county_admin).post(
        reverse("console:unit_edit", args=[units.env.pk]),
        {
            "name": units.env.name,
            "unit_type": units.env.unit_type,
            "region": units.env.region_id,
            "parent": units.street.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == ["上级单位不能是本单位或其下级单位。"]
    assert Unit.objects.get(pk=units.env.pk).parent is None


def test_unit_actions_refuse_outside_the_subtree(
    territory: Territory, units: Units, town_admin: User, town_operator: User
) -> None:
    with pytest.raises(ActionError) as refused:
        do_create_unit(
            actor=town_admin,
            code="X-1",
            name="县级单位",
            unit_type=UnitType.DEPARTMENT,
            region=territory.county,  # above the township administrator's subtree
        )
    assert refused.value.status == 403 and refused.value.field == "region"
    with pytest.raises(ActionError) as no_role:
        do_create_unit(
            actor=town_operator,
            code="X-2",
            name="x",
            unit_type=UnitType.DEPARTMENT,
            region=territory.town,
        )
    assert no_role.value.status == 403
    assert not Unit.objects.filter(code__startswith="X-").exists()
    assert [r.outcome for r in _audit("unit.create")] == ["denied", "denied"]


# --- the 派单目录 -----------------------------------------------------------------------------


def test_catalogue_list_and_detail_show_category_lead_and_co_units(
    units: Units, county_admin: User
) -> None:
    client = _client(county_admin)
    listing = client.get(reverse("console:catalogue_list"))
    assert listing.status_code == 200
    [row] = listing.context["rows"]
    assert row["latest"] and row["version"].version == 1
    version = row["version"]
    detail = client.get(reverse("console:catalogue_detail", args=[version.pk]))
    body = detail.content.decode()
    assert detail.context["is_latest"]
    assert "城关区生态环境分局" in body and "酒泉路街道办事处" in body
    groups = {g["category"].code: g["entries"] for g in detail.context["groups"]}
    [noise] = groups["RX0501"]
    assert noise.lead_unit == units.env
    assert [u.code for u in noise.co_units.all()] == ["GOV-620102001"]


def test_catalogue_of_another_county_is_404(
    territory: Territory, units: Units, other_admin: User, town_admin: User
) -> None:
    version = CatalogueVersion.objects.get(region=territory.county)
    for user in (other_admin, town_admin):  # 城关区's catalogue is above the township's subtree
        response = _client(user).get(reverse("console:catalogue_detail", args=[version.pk]))
        assert response.status_code == 404
    assert _client(other_admin).get(reverse("console:catalogue_list")).context["rows"] == []


def test_adding_an_entry_publishes_a_new_version_with_an_audit_row(
    territory: Territory, units: Units, county_admin: User
) -> None:
    old = CatalogueVersion.objects.get(region=territory.county)
    parking = Category.objects.filter(parent__isnull=False).exclude(code="RX0501").first()
    assert parking is not None
    today = timezone.localdate()
    response = _client(county_admin).post(
        reverse("console:catalogue_entry"),
        {
            "catalogue_region": territory.county.pk,
            "category": parking.pk,
            "region": territory.town.pk,
            "lead_unit": units.street.pk,
            "co_units": [units.env.pk, units.housing.pk],
            "effective_from": today.isoformat(),
            "issued_by": "城关区综治中心",
            "note": "街道属地主办",
        },
    )
    new = CatalogueVersion.objects.get(region=territory.county, version=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("console:catalogue_detail", args=[new.pk])
    # the old version is untouched; the new one has every old entry plus the new one
    assert old.entries.count() == 2
    assert new.entries.count() == 3
    entry = new.entries.get(category=parking)
    assert entry.lead_unit == units.street and entry.region == territory.town
    assert {u.code for u in entry.co_units.all()} == {"ENV-620102", "HOUSE-620102"}
    noise = new.entries.get(category__code="RX0501")
    assert [u.code for u in noise.co_units.all()] == ["GOV-620102001"]
    [row] = _audit("catalogue.publish")
    assert row.data["version"] == 2 and row.data["previous"] == 1
    assert row.data["changes"][0]["lead_unit"] == "GOV-620102001"
    # routing now follows the new version
    suggestion = suggest(parking, territory.grid_a1, on=today)
    assert suggestion is not None and suggestion.lead_unit == units.street


def test_changing_an_entry_replaces_it_in_the_new_version(
    territory: Territory, units: Units, county_admin: User
) -> None:
    noise = Category.objects.get(code="RX0501")
    do_publish_catalogue(
        actor=county_admin,
        region=territory.county,
        effective_from=timezone.localdate(),
        changes=[EntryChange(noise, territory.county, units.housing, [])],
    )
    new = CatalogueVersion.objects.get(region=territory.county, version=2)
    entry = new.entries.get(category=noise, region=territory.county)
    assert entry.lead_unit == units.housing and not entry.co_units.exists()
    assert new.entries.count() == 2


def test_removing_an_entry_publishes_a_version_without_it(
    territory: Territory, units: Units, county_admin: User
) -> None:
    version = CatalogueVersion.objects.get(region=territory.county)
    entry = version.entries.get(category__code="RX02")
    response = _client(county_admin).post(
        reverse("console:catalogue_remove", args=[version.pk, entry.pk]),
        {"effective_from": timezone.localdate().isoformat()},
    )
    new = CatalogueVersion.objects.get(region=territory.county, version=2)
    assert response.status_code == 302
    assert list(new.entries.values_list("category__code", flat=True)) == ["RX0501"]
    assert version.entries.count() == 2
    assert _audit("catalogue.publish")[0].data["removed"] == 1


def test_remove_with_a_bad_date_changes_nothing(
    territory: Territory, units: Units, county_admin: User
) -> None:
    version = CatalogueVersion.objects.get(region=territory.county)
    entry = version.entries.first()
    assert entry is not None
    client = _client(county_admin)
    response = client.post(
        reverse("console:catalogue_remove", args=[version.pk, entry.pk]),
        {"effective_from": "not-a-date"},
        follow=True,
    )
    assert response.status_code == 200
    assert "请输入日期" in response.content.decode()
    early = client.post(
        reverse("console:catalogue_remove", args=[version.pk, entry.pk]),
        {"effective_from": "2019-01-01"},  # before v1's effective date
        follow=True,
    )
    assert "生效日期不能早于现行版本" in early.content.decode()
    assert CatalogueVersion.objects.filter(region=territory.county).count() == 1
    missing = client.post(reverse("console:catalogue_remove", args=[version.pk, 999999]), {})
    assert missing.status_code == 404


def test_catalogue_entry_bad_input_gets_field_messages(
    territory: Territory, units: Units, county_admin: User
) -> None:
    noise = Category.objects.get(code="RX0501")
    client = _client(county_admin)
    response = client.post(
        reverse("console:catalogue_entry"),
        {
            "catalogue_region": territory.town.pk,
            "category": noise.pk,
            "region": territory.county.pk,  # above the catalogue's region
            "lead_unit": units.env.pk,
            "co_units": [units.env.pk],  # the lead again
            "effective_from": "2027-13-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["region"] == ["适用区划须在目录所属区划范围内。"]
    assert errors["co_units"] == ["协办单位不能与主办单位相同。"]
    assert errors["effective_from"] == ["请输入日期，如 2027-01-01。"]
    outside = client.post(
        reverse("console:catalogue_entry"),
        {
            "catalogue_region": territory.county.pk,
            "category": noise.pk,
            "region": territory.county.pk,
            "lead_unit": units.other.pk,  # another county's unit: not a choice
            "effective_from": timezone.localdate().isoformat(),
        },
    )
    assert outside.context["form"].errors["lead_unit"] == ["请从列表中选择。"]
    assert CatalogueVersion.objects.count() == 1


def test_catalogue_version_cannot_start_before_the_latest(
    territory: Territory, units: Units, county_admin: User
) -> None:
    noise = Category.objects.get(code="RX0501")
    response = _client(county_admin).post(
        reverse("console:catalogue_entry"),
        {
            "catalogue_region": territory.county.pk,
            "category": noise.pk,
            "region": territory.county.pk,
            "lead_unit": units.housing.pk,
            "effective_from": "2019-12-31",
        },
    )
    assert response.status_code == 200
    assert "生效日期不能早于现行版本 v1" in response.context["form"].errors["effective_from"][0]


def test_first_catalogue_for_a_township_and_a_future_version(
    territory: Territory, units: Units, town_admin: User
) -> None:
    noise = Category.objects.get(code="RX0501")
    client = _client(town_admin)
    page = client.get(reverse("console:catalogue_entry"), {"region": territory.town.pk})
    assert page.context["form"].initial["catalogue_region"] == territory.town
    later = timezone.localdate() + timedelta(days=30)
    client.post(
        reverse("console:catalogue_entry"),
        {
            "catalogue_region": territory.town.pk,
            "category": noise.pk,
            "region": territory.village.pk,
            "lead_unit": units.street.pk,
            "effective_from": later.isoformat(),
        },
    )
    version = CatalogueVersion.objects.get(region=territory.town)
    assert version.version == 1 and version.entries.count() == 1
    listing = client.get(reverse("console:catalogue_list"))
    assert listing.context["rows"][0]["future"]
    # not in force yet: the county's catalogue still decides today
    today = suggest(noise, territory.grid_a1, on=timezone.localdate())
    assert today is not None and today.lead_unit == units.env
    then = suggest(noise, territory.grid_a1, on=later)
    assert then is not None and then.lead_unit == units.street


def test_older_versions_are_read_only(
    territory: Territory, units: Units, county_admin: User
) -> None:
    noise = Category.objects.get(code="RX0501")
    do_publish_catalogue(
        actor=county_admin,
        region=territory.county,
        effective_from=timezone.localdate(),
        changes=[EntryChange(noise, territory.county, units.housing, [])],
    )
    old = CatalogueVersion.objects.get(region=territory.county, version=1)
    response = _client(county_admin).get(reverse("console:catalogue_detail", args=[old.pk]))
    assert not response.context["is_latest"]
    assert "这是历史版本" in response.content.decode()
    assert "catalogue_remove" not in response.content.decode()


def test_publish_refuses_units_and_regions_outside_the_subtree(
    territory: Territory, units: Units, town_admin: User
) -> None:
    noise = Category.objects.get(code="RX0501")
    with pytest.raises(ActionError) as region:
        do_publish_catalogue(
            actor=town_admin,
            region=territory.county,
            effective_from=timezone.localdate(),
            changes=[EntryChange(noise, territory.county, units.street, [])],
        )
    assert region.value.status == 403
    with pytest.raises(ActionError) as lead:
        do_publish_catalogue(
            actor=town_admin,
            region=territory.town,
            effective_from=timezone.localdate(),
            changes=[EntryChange(noise, territory.town, units.env, [])],  # a county unit
        )
    assert lead.value.status == 403 and lead.value.field == "lead_unit"
    with pytest.raises(ActionError) as co:
        do_publish_catalogue(
            actor=town_admin,
            region=territory.town,
            effective_from=timezone.localdate(),
            changes=[EntryChange(noise, territory.town, units.street, [units.other])],
        )
    assert co.value.field == "co_units"
    with pytest.raises(ActionError) as nothing:
        do_publish_catalogue(
            actor=town_admin, region=territory.town, effective_from=timezone.localdate(), changes=[]
        )
    assert nothing.value.status == 400
    assert not CatalogueVersion.objects.filter(region=territory.town).exists()
    assert [r.outcome for r in _audit("catalogue.publish")] == ["denied"] * 3
