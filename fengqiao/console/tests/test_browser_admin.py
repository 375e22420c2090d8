"""One administrator's journey in a real headless Chromium: create a unit → add it to the
派单目录 (a new version) → grant a role, with axe-core (no serious or critical violations) and
screenshots of every page on the way (build/screenshots/admin-*.png)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from fengqiao.accounts.models import Role, RoleAssignment, User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.tests.conftest import Units
from fengqiao.console.tests.browser import Tab, launch, needs_chromium, open_tab
from fengqiao.testing import Territory, make_user
from fengqiao.units.models import CatalogueVersion, Category, Unit

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from launch()


def _check(tab: Tab, name: str) -> None:
    """axe clean, no console errors or CSP violations; a screenshot for the reviewer."""
    assert tab.axe_violations() == [], name
    assert tab.csp_violations() == [], name
    tab.screenshot(f"admin-{name}")


def _submit(tab: Tab, button: str) -> None:
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name=button).click()
    tab.page.wait_for_load_state("networkidle")


def test_admin_creates_a_unit_adds_it_to_the_catalogue_and_grants_a_role(
    chromium: Any,
    live_server: LiveServer,
    territory: Territory,
    units: Units,
    county_admin: User,
) -> None:
    target = User.objects.create_user(username="wang.fang", region=territory.town)
    target.first_name = "王芳"
    target.save(update_fields=["first_name"])
    tab = open_tab(chromium, live_server.url, county_admin)

    # 1. create a unit
    tab.go("/console/manage/units/")
    _check(tab, "units")
    tab.page.get_by_role("link", name="新建单位").click()
    tab.page.wait_for_load_state("networkidle")
    tab.page.fill("#id_code", "POLICE-620102001")
    tab.page.fill("#id_name", "酒泉路派出所")
    tab.page.select_option("#id_unit_type", "police")
    tab.page.select_option("#id_region", str(territory.town.pk))
    tab.page.fill("#id_contact_phone", "13912345678")  # a personal mobile: refused
    _submit(tab, "保存")
    assert "请填写办公电话，不要填写个人手机号。" in tab.page.inner_text("main")
    _check(tab, "unit-form-errors")
    tab.page.fill("#id_contact_phone", "0931-8460110")
    _submit(tab, "保存")
    unit = Unit.objects.get(code="POLICE-620102001")
    assert tab.page.url.endswith(f"/console/manage/units/{unit.pk}/")
    assert "已创建单位「酒泉路派出所」" in tab.page.inner_text("main")
    _check(tab, "unit-detail")

    # 2. add it to the 派单目录 as the lead for a category: a new version
    tab.go("/console/manage/catalogue/")
    _check(tab, "catalogue")
    county_version = CatalogueVersion.objects.get(region=territory.county)
    tab.go(f"/console/manage/catalogue/{county_version.pk}/")
    _check(tab, "catalogue-v1")
    tab.page.get_by_role("link", name="新增或修改条目").click()
    tab.page.wait_for_load_state("networkidle")
    category = Category.objects.filter(parent__isnull=False).exclude(code="RX0501").first()
    assert category is not None
    tab.page.select_option("#id_category", str(category.pk))
    tab.page.select_option("#id_region", str(territory.town.pk))
    tab.page.select_option("#id_lead_unit", str(unit.pk))
    tab.page.get_by_label("酒泉路街道办事处（GOV-620102001）").check()
    tab.page.fill("#id_note", "派出所主办，街道协办")
    _check(tab, "catalogue-entry")
    _submit(tab, "发布新版本")
    new = CatalogueVersion.objects.get(region=territory.county, version=2)
    assert tab.page.url.endswith(f"/console/manage/catalogue/{new.pk}/")
    main = tab.page.inner_text("main")
    assert "酒泉路派出所" in main and "v2" in main
    entry = new.entries.get(category=category)
    assert entry.lead_unit == unit
    assert [u.code for u in entry.co_units.all()] == ["GOV-620102001"]
    _check(tab, "catalogue-v2")

    # 3. grant a role to an account of the subtree
    tab.go("/console/manage/users/")
    _check(tab, "users")
    tab.page.get_by_role("link", name="wang.fang").click()
    tab.page.wait_for_load_state("networkidle")
    tab.page.select_option("#id_role", Role.OPERATOR)
    tab.page.select_option("#id_region", str(territory.town.pk))
    _submit(tab, "授予")
    assignment = RoleAssignment.objects.get(user=target)
    assert assignment.role == Role.OPERATOR and assignment.region == territory.town
    assert "已授予「受理员/坐席」" in tab.page.inner_text("main")
    _check(tab, "user-granted")

    actions = list(
        AuditEntry.objects.filter(actor_id=county_admin.pk)
        .exclude(outcome="denied")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["unit.create", "catalogue.publish", "role.grant"]
    assert tab.console_errors == []


def test_calendar_rules_and_audit_export_pages_pass_axe(
    chromium: Any, live_server: LiveServer, territory: Territory, auditor: User
) -> None:
    sysadmin = make_user("root_sysadmin", Role.SYSTEM_ADMIN, territory.province)
    tab = open_tab(chromium, live_server.url, sysadmin)
    tab.go("/console/manage/calendar/")
    year = timezone.localdate().year + 1
    tab.page.fill("#id_dates", f"{year}-13-01")
    _submit(tab, "录入")
    assert "不是有效日期" in tab.page.inner_text("main")
    _check(tab, "calendar-errors")
    tab.go("/console/manage/rules/")
    _check(tab, "rules")
    audit = open_tab(chromium, live_server.url, auditor)
    audit.go("/console/audit/export/")
    _check(audit, "audit-export")
